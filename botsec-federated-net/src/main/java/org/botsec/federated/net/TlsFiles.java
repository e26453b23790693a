package org.botsec.federated.net;

import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.core.BadInputException;

/**
 * The PEM files of one party of a federation: its own certificate and private key, and the CA certificate that
 * the other side's certificate must chain to.
 *
 * @param certificate this party's certificate (PEM)
 * @param privateKey  its unencrypted PKCS#8 private key (PEM); keep it readable by the owner only
 * @param ca          the federation's CA certificate (PEM)
 */
public record TlsFiles(Path certificate, Path privateKey, Path ca) {
    public TlsFiles {
        for (Path p : new Path[] {certificate, privateKey, ca}) {
            if (p == null) {
                throw new IllegalArgumentException("TLS file paths must not be null");
            }
        }
    }

    /** Checks that every file exists (one line naming the first that does not). */
    public TlsFiles checked() {
        check(certificate, "certificate");
        check(privateKey, "private key");
        check(ca, "CA certificate");
        return this;
    }

    private static void check(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw BadInputException.of("%s file not found: %s", what, p);
        }
    }

    /** {@code DIR/NAME.pem}, {@code DIR/NAME.key} and {@code DIR/ca.pem}: the layout {@code fl certs} writes. */
    public static TlsFiles inFolder(Path dir, String name) {
        return new TlsFiles(dir.resolve(name + ".pem"), dir.resolve(name + ".key"), dir.resolve("ca.pem"));
    }
}
