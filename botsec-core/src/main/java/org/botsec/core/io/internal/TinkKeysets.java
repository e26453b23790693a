package org.botsec.core.io.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.signature.SignatureConfig;
import java.security.GeneralSecurityException;
import org.botsec.core.BadInputException;

/** Tink registration and the master-key parsing that model signing keys need; loaded only when signing is used. */
public final class TinkKeysets {
    private static volatile boolean registered;

    private TinkKeysets() {
    }

    /** Registers Tink's signature and AEAD key managers, once per JVM. */
    public static void ensureRegistered() {
        if (registered) {
            return;
        }
        synchronized (TinkKeysets.class) {
            if (!registered) {
                try {
                    SignatureConfig.register();
                    AeadConfig.register();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("cannot register Tink primitives: " + e.getMessage(), e);
                }
                registered = true;
            }
        }
    }

    /**
     * A master key (a Tink JSON AEAD keyset, e.g. AES-256-GCM, the same form {@code BOTSEC_MASTER_KEY} holds for the
     * guard) as an {@link Aead}; {@code source} names where it came from. A parse error's message could echo key
     * bytes, so only the source is named.
     */
    public static Aead masterAead(String keysetJson, String source) {
        ensureRegistered();
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get())
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw BadInputException.of("master key in %s is not a valid Tink JSON AEAD keyset", source);
        }
    }
}
