package org.botsec.federated.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;

/**
 * Client certificates the coordinator refuses although the CA signed them: a text file, one entry a line,
 * {@code serial:HEX} (the certificate's serial number, as {@code fl certs} and {@code openssl x509 -serial} print
 * it) or {@code sha256:HEX} (the SHA-256 fingerprint of the certificate; colons allowed); {@code #} starts a comment.
 * The file is read again whenever its modification time changes, so a client can be revoked without restarting
 * the coordinator; its next connection is refused (an open connection is not cut).
 *
 * <p>Thread-safe.
 */
public final class RevocationList {
    /** Largest revocation file read. */
    public static final int MAX_BYTES = 4 << 20;

    private record Entries(Set<String> serials, Set<String> fingerprints) {
    }

    private final Optional<Path> file;
    private volatile Entries entries;
    private volatile FileTime loadedAt;

    private RevocationList(Optional<Path> file) {
        this.file = file;
        this.entries = new Entries(Set.of(), Set.of());
    }

    /** No certificate revoked. */
    public static RevocationList none() {
        return new RevocationList(Optional.empty());
    }

    /** The list in {@code file}, read now (a bad line is a {@link BadInputException} naming the line). */
    public static RevocationList of(Path file) {
        RevocationList r = new RevocationList(Optional.of(file));
        r.reloadIfChanged();
        return r;
    }

    /** Why {@code cert} is revoked ("serial 1a2b listed in FILE"), empty when it is not. */
    public Optional<String> reason(X509Certificate cert) {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            reloadIfChanged();
        } catch (BadInputException e) {
            // fail closed: a list that became unreadable or malformed refuses everyone until it is fixed
            return Optional.of("revocation list unreadable (" + e.getMessage() + ")");
        }
        Entries e = entries;
        String serial = cert.getSerialNumber().toString(16);
        if (e.serials().contains(serial)) {
            return Optional.of("serial " + serial + " listed in " + file.get());
        }
        String fp = CertificateAuthority.fingerprint(cert);
        if (e.fingerprints().contains(fp)) {
            return Optional.of("fingerprint sha256:" + fp + " listed in " + file.get());
        }
        return Optional.empty();
    }

    /** Entries currently loaded. */
    public int size() {
        Entries e = entries;
        return e.serials().size() + e.fingerprints().size();
    }

    private synchronized void reloadIfChanged() {
        Path f = file.orElseThrow();
        FileTime t;
        try {
            t = Files.getLastModifiedTime(f);
        } catch (java.io.IOException ex) {
            throw BadInputException.of("revocation list %s cannot be read: %s", f, ex.getMessage());
        }
        if (t.equals(loadedAt)) {
            return;
        }
        String text = SafeFiles.readSmallUtf8(f, MAX_BYTES, "revocation list");
        Set<String> serials = new HashSet<>();
        Set<String> fps = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            line = (hash >= 0 ? line.substring(0, hash) : line).strip().toLowerCase(Locale.ROOT);
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("serial:")) {
                String hex = line.substring(7).strip().replace(":", "");
                if (!hex.matches("[0-9a-f]{1,64}")) {
                    throw BadInputException.of("revocation list %s line %d: serial must be hex, got '%s'", f, i + 1,
                            clip(line));
                }
                serials.add(new java.math.BigInteger(hex, 16).toString(16));
            } else if (line.startsWith("sha256:")) {
                String hex = line.substring(7).strip().replace(":", "");
                if (!hex.matches("[0-9a-f]{64}")) {
                    throw BadInputException.of("revocation list %s line %d: sha256 fingerprint must be 64 hex digits, "
                            + "got '%s'", f, i + 1, clip(line));
                }
                fps.add(hex);
            } else {
                throw BadInputException.of("revocation list %s line %d: expected serial:HEX or sha256:HEX, got '%s'",
                        f, i + 1, clip(line));
            }
        }
        entries = new Entries(Set.copyOf(serials), Set.copyOf(fps));
        loadedAt = t;
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
