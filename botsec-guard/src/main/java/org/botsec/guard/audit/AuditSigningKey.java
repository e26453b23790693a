package org.botsec.guard.audit;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.botsec.core.BadInputException;
import org.botsec.guard.crypto.MasterKey;
import org.botsec.core.files.SafeFiles;
import org.botsec.guard.crypto.internal.TinkSetup;

/**
 * The Ed25519 key pair (a Tink keyset) that signs audit-log checkpoints.
 *
 * <p><b>Security guarantees.</b> Signatures are Ed25519 through Tink's {@link PublicKeySign}; the private
 * keyset is written only to an owner-only file, encrypted by a {@link MasterKey} when one is given to
 * {@link #loadOrCreate(Path, MasterKey)} (cleartext otherwise), and never appears in logs or
 * exception messages. Checkpoints prove integrity only to a verifier that got the public key
 * ({@link #exportPublicKeyJson()}) from a trusted place: keep a copy of it away from the log. Whoever can read
 * the private key file can forge checkpoints, so keep it off the machine that stores the log where possible.
 * Instances are immutable and thread-safe.
 */
public final class AuditSigningKey {
    private static final int MAX_KEY_CHARS = 64 * 1024;
    /** Associated data binding an encrypted key file to its purpose. */
    private static final byte[] KEY_AD = "botsec-audit-signing-key-v1".getBytes(StandardCharsets.US_ASCII);
    private final KeysetHandle privateKeyset;
    private final PublicKeySign signer;
    private final String publicKeyJson;
    private final boolean encryptedAtRest;

    private AuditSigningKey(KeysetHandle privateKeyset) throws GeneralSecurityException {
        this(privateKeyset, false);
    }

    private AuditSigningKey(AuditSigningKey other, boolean encryptedAtRest) {
        this.privateKeyset = other.privateKeyset;
        this.signer = other.signer;
        this.publicKeyJson = other.publicKeyJson;
        this.encryptedAtRest = encryptedAtRest;
    }

    private AuditSigningKey(KeysetHandle privateKeyset, boolean encryptedAtRest) throws GeneralSecurityException {
        this.privateKeyset = privateKeyset;
        this.encryptedAtRest = encryptedAtRest;
        this.signer = privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
        this.publicKeyJson = TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(privateKeyset.getPublicKeysetHandle());
    }

    /** A fresh Ed25519 key pair (kept in memory only). */
    public static AuditSigningKey generate() {
        TinkSetup.ensureRegistered();
        try {
            return new AuditSigningKey(KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an Ed25519 key", e);
        }
    }

    /**
     * Loads the private keyset from {@code keyFile}, or generates one and writes it there (owner-only
     * permissions) if the file does not exist. The keyset is stored <b>in cleartext</b>; prefer
     * {@link #loadOrCreate(Path, MasterKey)}. A file encrypted under a master key is refused with a message
     * saying so.
     */
    public static AuditSigningKey loadOrCreate(Path keyFile) {
        return loadOrCreate(keyFile, null);
    }

    /**
     * Loads the private keyset from {@code keyFile}, or generates one and writes it there (owner-only
     * permissions, atomically). With a {@code master} key the keyset is stored encrypted by it (Tink
     * {@code serializeEncryptedKeyset}, AES-256-GCM, associated data {@code botsec-audit-signing-key-v1}); a
     * cleartext file found while a master key is given is re-written encrypted. With {@code master == null} the
     * keyset is stored in cleartext (callers should warn). A wrong master key, or an encrypted file without one,
     * is bad input with one line naming the file.
     */
    public static AuditSigningKey loadOrCreate(Path keyFile, MasterKey master) {
        TinkSetup.ensureRegistered();
        if (!Files.exists(keyFile)) {
            AuditSigningKey key = generate();
            key.write(keyFile, master);
            return new AuditSigningKey(key, master != null);
        }
        String json = SafeFiles.readSmallUtf8(keyFile, MAX_KEY_CHARS, "audit signing key file");
        boolean encrypted = json.contains("\"encryptedKeyset\"");
        if (encrypted) {
            if (master == null) {
                throw BadInputException.of("audit signing key file %s is encrypted: give the master key (%s or --master-key FILE)",
                        keyFile, MasterKey.DEFAULT_ENV);
            }
            KeysetHandle handle = master.unwrapKeyset(json, KEY_AD, "audit signing key file " + keyFile);
            return fromHandle(handle, keyFile, true);
        }
        AuditSigningKey key;
        try {
            key = fromHandle(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()), keyFile, false);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw BadInputException.of("audit signing key file is not a Tink JSON Ed25519 private keyset: %s", keyFile);
        }
        if (master != null) {
            key.write(keyFile, master); // migrate the cleartext file to an encrypted one
            return new AuditSigningKey(key, true);
        }
        return key;
    }

    private static AuditSigningKey fromHandle(KeysetHandle handle, Path keyFile, boolean encrypted) {
        try {
            return new AuditSigningKey(handle, encrypted);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw BadInputException.of("audit signing key file is not a Tink JSON Ed25519 private keyset: %s", keyFile);
        }
    }

    private void write(Path keyFile, MasterKey master) {
        try {
            String text = master == null
                    ? TinkJsonProtoKeysetFormat.serializeKeyset(privateKeyset, InsecureSecretKeyAccess.get())
                    : master.wrapKeyset(privateKeyset, KEY_AD);
            SafeFiles.writeAtomically(keyFile, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write audit signing key " + keyFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot serialise the audit signing key", e);
        }
    }

    /** Whether the key file behind this key is encrypted by a master key (false for cleartext or in-memory keys). */
    public boolean encryptedAtRest() {
        return encryptedAtRest;
    }

    /** The public keyset as Tink JSON (no secret material): give it to whoever verifies the log. */
    public String exportPublicKeyJson() {
        return publicKeyJson;
    }

    /** Writes the public keyset as Tink JSON to {@code file}. */
    public void writePublicKey(Path file) {
        try {
            SafeFiles.writeAtomically(file, publicKeyJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write public key " + file, e);
        }
    }

    byte[] sign(byte[] data) {
        try {
            return signer.sign(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /** Parses a public keyset (Tink JSON, no secret) into a verifier; {@code source} names it in errors. */
    static PublicKeyVerify verifierFromJson(String json, String source) {
        TinkSetup.ensureRegistered();
        try {
            return TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(json).getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw BadInputException.of("%s is not a Tink JSON Ed25519 public keyset", source);
        }
    }

    /** Reads a public key file written by {@link #writePublicKey(Path)}; returns its JSON. */
    public static String readPublicKeyFile(Path file) {
        String json = SafeFiles.readSmallUtf8(file, MAX_KEY_CHARS, "public key file");
        verifierFromJson(json, "public key file " + file);
        return json;
    }
}
