package org.botsec.langchain4j;

import java.util.Objects;
import org.botsec.guard.Guard;
import org.botsec.guard.GuardPipeline;

/**
 * The {@link Guard} that guardrails created by LangChain4j from an annotation (through their no-argument
 * constructors) use: {@link GuardPipeline#defaults()} unless {@link #use(Guard)} installed another one, e.g.
 * {@code BotsecGuardrails.use(GuardPipeline.fromPolicy(Path.of("policy.yaml")))} at start-up.
 */
public final class BotsecGuardrails {
    private static volatile Guard shared;

    private BotsecGuardrails() {
    }

    /** Installs the guard that annotation-created guardrails use from now on. */
    public static void use(Guard guard) {
        shared = Objects.requireNonNull(guard, "guard");
    }

    /** The shared guard, built from the default policy on first use if none was installed. */
    public static Guard sharedGuard() {
        Guard g = shared;
        if (g == null) {
            synchronized (BotsecGuardrails.class) {
                if (shared == null) {
                    shared = GuardPipeline.defaults();
                }
                g = shared;
            }
        }
        return g;
    }
}
