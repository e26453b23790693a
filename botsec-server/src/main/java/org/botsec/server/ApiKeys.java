package org.botsec.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;

/**
 * The client API keys a gateway accepts, stored only as SHA-256 hashes. The keys file has one
 * {@code name:sha256hex} line per client ({@code #} starts a comment); make a line with
 * {@code printf %s "$KEY" | sha256sum}.
 *
 * <p><b>Security guarantees.</b> Keys are never kept in memory or on disk in clear, only their SHA-256
 * (suitable because API keys are long random strings, not passwords). A presented key is hashed and compared
 * with every stored hash using {@link MessageDigest#isEqual}, which takes the same time wherever the bytes
 * differ, and all entries are compared whatever the outcome, so timing does not reveal how much of a key was
 * right or which entry matched. Immutable and thread-safe.
 */
public final class ApiKeys {
    private static final int MAX_FILE_BYTES = 1 << 20;
    private final List<String> names;
    private final List<byte[]> hashes;

    private ApiKeys(List<String> names, List<byte[]> hashes) {
        this.names = List.copyOf(names);
        this.hashes = List.copyOf(hashes);
    }

    /** Reads a keys file ({@code name:sha256hex} per line). */
    public static ApiKeys load(Path file) {
        String text = SafeFiles.readSmallUtf8(file, MAX_FILE_BYTES, "API keys file");
        List<String> names = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.lastIndexOf(':');
            String name = colon > 0 ? line.substring(0, colon).strip() : "";
            String hex = colon > 0 ? line.substring(colon + 1).strip().toLowerCase(java.util.Locale.ROOT) : "";
            if (name.isEmpty() || !hex.matches("[0-9a-f]{64}")) {
                throw BadInputException.of("API keys file %s line %d must be name:<64 hex digits of SHA-256>", file, i + 1);
            }
            names.add(name);
            hashes.add(HexFormat.of().parseHex(hex));
        }
        if (names.isEmpty()) {
            throw BadInputException.of("API keys file %s holds no keys", file);
        }
        return new ApiKeys(names, hashes);
    }

    /** Builds the set from clear keys (for tests and embedding); keys must be at least 16 characters. */
    public static ApiKeys of(java.util.Map<String, String> clientNameToKey) {
        List<String> names = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        clientNameToKey.forEach((name, key) -> {
            if (key == null || key.length() < 16) {
                throw new IllegalArgumentException("API key of client " + name + " must be at least 16 characters");
            }
            names.add(name);
            hashes.add(sha256(key));
        });
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one API key is needed");
        }
        return new ApiKeys(names, hashes);
    }

    /** The client name whose key this is, or empty. Constant time in the position of a mismatch. */
    public Optional<String> lookup(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 4096) {
            return Optional.empty();
        }
        byte[] h = sha256(presentedKey);
        int found = -1;
        for (int i = 0; i < hashes.size(); i++) {
            if (MessageDigest.isEqual(h, hashes.get(i))) {
                found = i;
            }
        }
        return found < 0 ? Optional.empty() : Optional.of(names.get(found));
    }

    /** Number of keys. */
    public int size() {
        return names.size();
    }

    /** Hex SHA-256 of a key: the value to put after {@code name:} in a keys file. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
