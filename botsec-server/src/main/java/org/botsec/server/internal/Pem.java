package org.botsec.server.internal;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;

/** Turns a PEM certificate chain and a PEM PKCS#8 private key into an in-memory PKCS#12 KeyStore. */
public final class Pem {
    private static final int MAX_PEM_BYTES = 1 << 20;
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private Pem() {
    }

    /** Builds a KeyStore with one entry, alias {@code gateway}, protected by {@code password}. */
    public static KeyStore keyStore(Path certFile, Path keyFile, char[] password) {
        List<Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(certFile, "CERTIFICATE", "TLS certificate file")) {
                chain.add(cf.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException e) {
            throw BadInputException.of("TLS certificate file holds a certificate that cannot be parsed: %s", certFile);
        }
        if (chain.isEmpty()) {
            throw BadInputException.of("TLS certificate file holds no BEGIN CERTIFICATE block: %s", certFile);
        }
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("gateway", key, password, chain.toArray(new Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw BadInputException.of("TLS key does not fit the certificate (%s): %s", e.getClass().getSimpleName(), keyFile);
        }
    }

    private static PrivateKey privateKey(Path keyFile) {
        String text = SafeFiles.readSmallUtf8(keyFile, MAX_PEM_BYTES, "TLS key file");
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw BadInputException.of("TLS key file must be PKCS#8 (BEGIN PRIVATE KEY); convert with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8': %s", keyFile);
        }
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw BadInputException.of("TLS key file is encrypted; give an unencrypted PKCS#8 key: %s", keyFile);
        }
        List<byte[]> ders = parse(text, "PRIVATE KEY");
        if (ders.size() != 1) {
            throw BadInputException.of("TLS key file must hold exactly one BEGIN PRIVATE KEY block, found %d: %s", ders.size(), keyFile);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(ders.get(0));
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw BadInputException.of("TLS key file holds a key that is not RSA, EC or Ed25519 PKCS#8: %s", keyFile);
    }

    private static List<byte[]> blocks(Path file, String type, String what) {
        return parse(SafeFiles.readSmallUtf8(file, MAX_PEM_BYTES, what), type);
    }

    private static List<byte[]> parse(String text, String type) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                try {
                    out.add(Base64.getMimeDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    throw BadInputException.of("PEM block %s is not valid base64", type);
                }
            }
        }
        return out;
    }
}
