package org.botsec.core.io;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;
import org.botsec.core.io.internal.TinkKeysets;

/**
 * The Ed25519 key pair (a Tink keyset) that signs model files ({@link ModelSignatures}).
 *
 * <p><b>Security guarantees.</b> Signatures are Ed25519 (RFC 8032) through Tink's {@link PublicKeySign}. The private
 * keyset is written only to an owner-only file, atomically; with a master key it is encrypted (Tink
 * {@code serializeEncryptedKeyset}, associated data {@value #KEY_AD}, so a keyset wrapped for another purpose
 * does not load here), without one it is cleartext and callers should say so. The private key never appears in
 * {@link #toString()}, logs or exception messages. A signature proves origin only to a verifier who got the public
 * key from a trusted place, not from beside the model. Instances are immutable and thread-safe.
 */
public final class ModelSigningKey {
    /** Associated data binding an encrypted key file to model signing. */
    public static final String KEY_AD = "botsec-model-signing-key-v1";
    static final int MAX_KEY_BYTES = 64 * 1024;

    private final KeysetHandle keyset;
    private final PublicKeySign signer;

    private ModelSigningKey(KeysetHandle keyset) {
        this.keyset = keyset;
        try {
            this.signer = keyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private keyset", e);
        }
    }

    /** A fresh Ed25519 key pair, in memory. */
    public static ModelSigningKey generate() {
        TinkKeysets.ensureRegistered();
        try {
            return new ModelSigningKey(KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an Ed25519 key", e);
        }
    }

    /**
     * Reads a private keyset written by {@link #writePrivate}; an encrypted file needs {@code master}. Any problem
     * (missing file, wrong master key, not an Ed25519 keyset) is one line naming the file.
     */
    public static ModelSigningKey load(Path file, Optional<Aead> master) {
        TinkKeysets.ensureRegistered();
        String json = SafeFiles.readSmallUtf8(file, MAX_KEY_BYTES, "model signing key file");
        boolean encrypted = json.contains("\"encryptedKeyset\"");
        KeysetHandle handle;
        try {
            if (encrypted) {
                if (master.isEmpty()) {
                    throw BadInputException.of("model signing key file %s is encrypted: give the master key "
                            + "(--master-key FILE or the environment variable BOTSEC_MASTER_KEY)", file);
                }
                handle = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, master.get(),
                        KEY_AD.getBytes(StandardCharsets.US_ASCII));
            } else {
                handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            }
            return new ModelSigningKey(handle);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw BadInputException.of(encrypted
                    ? "the master key does not open model signing key file %s (wrong master key, or the file was modified)"
                    : "model signing key file %s is not a Tink JSON Ed25519 private keyset", file);
        }
    }

    /**
     * A master key (Tink JSON AEAD keyset, the form of {@code BOTSEC_MASTER_KEY}) for {@link #load} and
     * {@link #writePrivate}; {@code source} names where it came from in errors, which never echo key material.
     */
    public static Aead masterKey(String keysetJson, String source) {
        return TinkKeysets.masterAead(keysetJson, source);
    }

    /** Writes the private keyset to an owner-only file, encrypted under {@code master} when one is given. */
    public void writePrivate(Path file, Optional<Aead> master) {
        try {
            String text = master.isPresent()
                    ? TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(keyset, master.get(),
                            KEY_AD.getBytes(StandardCharsets.US_ASCII))
                    : TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
            SafeFiles.writeAtomically(file, text);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot serialise the model signing key", e);
        } catch (IOException e) {
            throw BadInputException.of("cannot write model signing key file %s: %s", file, e.getMessage());
        }
    }

    /** The public keyset as Tink JSON (no secret): give it to whoever verifies models. */
    public String publicKeyJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(keyset.getPublicKeysetHandle());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot export the public key", e);
        }
    }

    /** Writes {@link #publicKeyJson()} to {@code file}. */
    public void writePublic(Path file) {
        try {
            SafeFiles.writeAtomically(file, publicKeyJson());
        } catch (IOException e) {
            throw BadInputException.of("cannot write public key file %s: %s", file, e.getMessage());
        }
    }

    /** Tink's id of the primary key; signatures carry it, so a verifier can tell which key signed. */
    public long keyId() {
        return Integer.toUnsignedLong(keyset.getPrimary().getId());
    }

    byte[] sign(byte[] message) {
        try {
            return signer.sign(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    @Override
    public String toString() {
        return "ModelSigningKey[Ed25519, key id " + keyId() + "]";
    }
}
