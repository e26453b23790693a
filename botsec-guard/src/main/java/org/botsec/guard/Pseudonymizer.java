package org.botsec.guard;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import org.botsec.core.BadInputException;

/**
 * Reversible pseudonymisation: a value becomes {@code <EMAIL~base64url>} where the token is the value
 * encrypted with Tink's deterministic AEAD (AES-SIV, RFC 5297) with the type as associated data. The same
 * value always gives the same token under one key, so a bot can still tell that two messages mention the
 * same customer; {@link #reveal} turns the tokens in a text back into the values.
 *
 * <p><b>Security guarantees.</b> Only a holder of the keyset can reveal a value; a token moved to another
 * type, or altered, does not decrypt. Deterministic encryption shows when two tokens hide equal values —
 * that is the purpose — and nothing else about them. Thread-safe. Errors never carry key material or values.
 */
public final class Pseudonymizer {
    private static final Pattern TOKEN = Pattern.compile("<([A-Z][A-Z0-9_]*)~([A-Za-z0-9_\\-]{8,})>");
    private final DeterministicAead daead;

    /** @param keyset a Tink keyset for deterministic AEAD (template {@code AES256_SIV}) */
    public Pseudonymizer(KeysetHandle keyset) {
        try {
            DeterministicAeadConfig.register();
            this.daead = keyset.getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
        } catch (GeneralSecurityException e) {
            throw BadInputException.of("keyset is not a deterministic AEAD keyset: %s", e.getClass().getSimpleName());
        }
    }

    /** A fresh AES256-SIV keyset; keep it (e.g. encrypted with the gateway's master key) to reveal later. */
    public static KeysetHandle newKeyset() {
        try {
            DeterministicAeadConfig.register();
            return KeysetHandle.generateNew(KeyTemplates.get("AES256_SIV"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an AES-SIV key", e);
        }
    }

    /** Reads a cleartext Tink JSON keyset (protect such a file like a password). */
    public static Pseudonymizer fromJsonKeyset(String json) {
        try {
            DeterministicAeadConfig.register();
            return new Pseudonymizer(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
        } catch (GeneralSecurityException | RuntimeException e) {
            // A parser's message (or a runtime exception's) could echo key bytes: name only what failed.
            throw new BadInputException("pseudonym keyset is not a valid Tink JSON keyset");
        }
    }

    /** The token for {@code value} of kind {@code type} (upper-case letters, digits, underscores). */
    public String token(String type, String value) {
        try {
            byte[] ct = daead.encryptDeterministically(value.getBytes(StandardCharsets.UTF_8), type.getBytes(StandardCharsets.UTF_8));
            return "<" + type + "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(ct) + ">";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("deterministic encryption failed", e);
        }
    }

    /**
     * Replaces every token in {@code text} that this key made by the original value. A token made under
     * another key, or tampered with, is left as it is.
     */
    public String reveal(String text) {
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start());
            String value = decrypt(m.group(1), m.group(2));
            out.append(value != null ? value : m.group());
            last = m.end();
        }
        out.append(text, last, text.length());
        return out.toString();
    }

    private String decrypt(String type, String token) {
        try {
            byte[] ct = Base64.getUrlDecoder().decode(token);
            return new String(daead.decryptDeterministically(ct, type.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
