package org.botsec.guard;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.mac.MacConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import org.botsec.core.BadInputException;

/**
 * Replaces a value by a keyed hash: HMAC-SHA256 through Tink's {@link Mac} primitive, over the value's type
 * and the value, shortened to 64 bits and written as {@code <EMAIL:3f2a...>}. Equal values give equal tokens
 * under the same key, so analytics can still count distinct customers.
 *
 * <p><b>Security guarantees.</b> Never unsalted: without the key a token cannot be checked against guessed
 * values (a plain SHA-256 of a phone number can be reversed by enumerating all numbers). Tokens are not
 * reversible even with the key; use {@link Pseudonymizer} when re-identification must be possible. 64-bit
 * tokens may collide after about 2^32 distinct values. Thread-safe. Error messages never carry key material.
 */
public final class KeyedHasher {
    private final Mac mac;

    /** @param keyset a Tink keyset for the MAC primitive, e.g. from template {@code HMAC_SHA256_256BITTAG_RAW} */
    public KeyedHasher(KeysetHandle keyset) {
        try {
            MacConfig.register();
            this.mac = keyset.getPrimitive(RegistryConfiguration.get(), Mac.class);
        } catch (GeneralSecurityException e) {
            throw BadInputException.of("keyset is not a MAC keyset: %s", e.getClass().getSimpleName());
        }
    }

    /** A hasher with a fresh random key that lives only as long as this object. */
    public static KeyedHasher generate() {
        try {
            MacConfig.register();
            return new KeyedHasher(KeysetHandle.generateNew(KeyTemplates.get("HMAC_SHA256_256BITTAG_RAW")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an HMAC key", e);
        }
    }

    /** Reads a cleartext Tink JSON keyset (protect such a file like a password). */
    public static KeyedHasher fromJsonKeyset(String json) {
        try {
            MacConfig.register();
            return new KeyedHasher(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
        } catch (GeneralSecurityException | RuntimeException e) {
            // A parser's message (or a runtime exception's) could echo key bytes: name only what failed.
            throw new BadInputException("hash keyset is not a valid Tink JSON keyset");
        }
    }

    /** The token for {@code value} of kind {@code type}. */
    public String token(String type, String value) {
        try {
            byte[] tag = mac.computeMac((type + "\u0000" + value).getBytes(StandardCharsets.UTF_8));
            return "<" + type + ":" + HexFormat.of().formatHex(tag, 0, 8) + ">";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MAC computation failed", e);
        }
    }
}
