package org.botsec.guard.crypto.internal;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.signature.SignatureConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink primitives BotSec uses, once per JVM. */
public final class TinkSetup {
    private static volatile boolean done;

    private TinkSetup() {
    }

    /** Registers AEAD, MAC and signature key managers; cheap after the first call. */
    public static void ensureRegistered() {
        if (done) {
            return;
        }
        synchronized (TinkSetup.class) {
            if (done) {
                return;
            }
            try {
                AeadConfig.register();
                MacConfig.register();
                SignatureConfig.register();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot register Tink primitives: " + e.getMessage(), e);
            }
            done = true;
        }
    }
}
