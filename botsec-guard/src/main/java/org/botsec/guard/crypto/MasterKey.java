package org.botsec.guard.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;
import org.botsec.guard.crypto.internal.TinkSetup;

/**
 * The key-encryption key (KEK) of envelope encryption: a Tink AES-256-GCM keyset that encrypts the data
 * keysets of a {@link ConversationStore}. It is read from an environment variable or a file holding a Tink
 * JSON keyset, or generated with {@link #generate()}.
 *
 * <p><b>Security guarantees.</b> The master key never leaves this object except through
 * {@link #exportKeysetJson()} and {@link #writeTo(Path)}, which exist so an operator can store it in a secret
 * manager or an owner-only file; it is never logged and never appears in exception messages. Anyone holding it
 * can decrypt every store it protects, so keep it apart from the stores (another disk, a secret manager, an
 * environment variable injected at start). Instances are immutable and thread-safe.
 */
public final class MasterKey {
    /** The environment variable {@link #fromEnvironment()} reads. */
    public static final String DEFAULT_ENV = "BOTSEC_MASTER_KEY";
    private static final int MAX_KEYSET_CHARS = 64 * 1024;

    private final KeysetHandle handle;
    private final Aead aead;

    private MasterKey(KeysetHandle handle) throws GeneralSecurityException {
        this.handle = handle;
        this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    /** A fresh random AES-256-GCM master key. */
    public static MasterKey generate() {
        TinkSetup.ensureRegistered();
        try {
            return new MasterKey(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a master key: " + e.getMessage(), e);
        }
    }

    /** Reads the master key from {@value #DEFAULT_ENV}. */
    public static MasterKey fromEnvironment() {
        return fromEnvironment(DEFAULT_ENV);
    }

    /** Reads the master key (a Tink JSON keyset) from the named environment variable. */
    public static MasterKey fromEnvironment(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw BadInputException.of("environment variable %s is not set; it must hold a Tink JSON AEAD keyset", variable);
        }
        return fromKeysetJson(value, "environment variable " + variable);
    }

    /** Reads the master key (a Tink JSON keyset, at most 64 KiB) from a file. */
    public static MasterKey fromFile(Path file) {
        return fromKeysetJson(SafeFiles.readSmallUtf8(file, MAX_KEYSET_CHARS, "master key file"), "master key file " + file);
    }

    /** Parses a Tink JSON AEAD keyset; {@code source} names where it came from in error messages. */
    public static MasterKey fromKeysetJson(String json, String source) {
        TinkSetup.ensureRegistered();
        if (json.length() > MAX_KEYSET_CHARS) {
            throw BadInputException.of("master key in %s is longer than %d characters", source, MAX_KEYSET_CHARS);
        }
        try {
            return new MasterKey(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
        } catch (GeneralSecurityException | RuntimeException e) {
            // The message of a parse error could echo key bytes; name only the source.
            throw BadInputException.of("master key in %s is not a valid Tink JSON AEAD keyset", source);
        }
    }

    /** The keyset as Tink JSON, for storing in a secret manager. Handle like a password. */
    public String exportKeysetJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot serialise the master key", e);
        }
    }

    /** Writes the keyset as Tink JSON to an owner-only file (atomically). */
    public void writeTo(Path file) {
        try {
            SafeFiles.writeAtomically(file, exportKeysetJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write master key file " + file, e);
        }
    }

    Aead aead() {
        return aead;
    }

    /**
     * Encrypts a whole Tink keyset under this master key (Tink's {@code serializeEncryptedKeyset}); the
     * {@code associatedData} binds the ciphertext to its purpose, so a keyset wrapped for one use cannot be
     * unwrapped for another. Used for keys persisted by other components, e.g. the audit signing key.
     */
    public String wrapKeyset(KeysetHandle keyset, byte[] associatedData) {
        try {
            return TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(keyset, aead, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt the keyset", e);
        }
    }

    /**
     * Decrypts a keyset written by {@link #wrapKeyset}; a wrong master key, other associated data or a modified
     * file give one clear line naming {@code source}, never key material.
     */
    public KeysetHandle unwrapKeyset(String encryptedJson, byte[] associatedData, String source) {
        try {
            return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(encryptedJson, aead, associatedData);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw BadInputException.of("master key does not match the keyset in %s (wrong master key, or the file was modified)", source);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[AES256_GCM, " + handle.size() + " key(s)]";
    }
}
