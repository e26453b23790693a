package org.botsec.federated.net.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;

/** PEM files: X.509 certificates and unencrypted PKCS#8 EC private keys (the forms Netty's TLS reads). */
public final class Pem {
    /** Largest PEM file read (a certificate chain or a key is a few KB). */
    public static final int MAX_BYTES = 1 << 20;

    private Pem() {
    }

    public static String certificate(X509Certificate c) {
        try {
            return block("CERTIFICATE", c.getEncoded());
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot encode certificate", e);
        }
    }

    public static String privateKey(PrivateKey k) {
        return block("PRIVATE KEY", k.getEncoded());
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Every certificate in {@code file}; at least one. */
    public static List<X509Certificate> readCertificates(Path file, String what) {
        String text = SafeFiles.readSmallUtf8(file, MAX_BYTES, what);
        try {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw BadInputException.of("%s %s holds no PEM certificate", what, file);
            }
            return out;
        } catch (CertificateException e) {
            throw BadInputException.of("%s %s is not a PEM certificate: %s", what, file, e.getMessage());
        }
    }

    /** The PKCS#8 EC private key in {@code file}. */
    public static PrivateKey readPrivateKey(Path file, String what) {
        String text = SafeFiles.readSmallUtf8(file, MAX_BYTES, what);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw BadInputException.of("%s %s is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY)", what, file);
        }
        String b64 = text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(b64);
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw BadInputException.of("%s %s is not a valid EC private key", what, file);
        }
    }

    /** Writes {@code content} atomically; with {@code secret}, readable by the owner only (where POSIX). */
    public static void write(Path target, String content, boolean secret) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the folder's own protection applies
                }
            }
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw BadInputException.of("cannot write %s: %s", target, e.getMessage());
        }
    }
}
