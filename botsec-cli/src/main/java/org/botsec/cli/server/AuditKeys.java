package org.botsec.cli.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.botsec.guard.audit.AuditSigningKey;
import org.botsec.guard.crypto.MasterKey;

/**
 * How {@code botsec serve} and {@code botsec guard scan} get the audit log's signing key: from
 * {@code --audit-key FILE} or {@code LOG.key.json}, encrypted by the master key from {@code --master-key FILE}
 * or the environment variable {@value MasterKey#DEFAULT_ENV}. Without a master key the key file is cleartext
 * and one warning line naming it goes to stderr.
 */
public final class AuditKeys {
    private AuditKeys() {
    }

    /** Loads or creates the signing key for {@code auditLog}; writes the public key to {@code LOG.pub.json}. */
    public static AuditSigningKey load(Path auditLog, Path auditKey, Path masterKeyFile, PrintWriter err) {
        Path keyFile = auditKey != null ? auditKey : Path.of(auditLog + ".key.json");
        MasterKey master = masterKey(masterKeyFile);
        AuditSigningKey key = AuditSigningKey.loadOrCreate(keyFile, master);
        if (!key.encryptedAtRest()) {
            err.printf("warning: audit signing key %s is stored unencrypted; set %s or --master-key FILE to encrypt it%n",
                    keyFile, MasterKey.DEFAULT_ENV);
            err.flush();
        }
        key.writePublicKey(Path.of(auditLog + ".pub.json"));
        return key;
    }

    private static MasterKey masterKey(Path file) {
        if (file != null) {
            return MasterKey.fromFile(file);
        }
        String env = System.getenv(MasterKey.DEFAULT_ENV);
        return env == null || env.isBlank() ? null : MasterKey.fromEnvironment();
    }
}
