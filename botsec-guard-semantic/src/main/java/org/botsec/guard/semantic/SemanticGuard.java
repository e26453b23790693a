package org.botsec.guard.semantic;

import org.botsec.guard.GuardPipeline;
import org.botsec.guard.Scanner;

/**
 * The default guard with the semantic detector: {@link GuardPipeline#defaults()} with its prompt-injection
 * scanner (rules + n-gram classifier) replaced by {@link SemanticInjectionScanner#shipped()}; every other rule,
 * action and limit is unchanged.
 */
public final class SemanticGuard {
    private SemanticGuard() {
    }

    /**
     * Loads the sentence encoder (about a second; a {@link ModelLoadException} with one line if it fails).
     */
    public static GuardPipeline defaults() {
        return withScanner(GuardPipeline.defaults(), SemanticInjectionScanner.shipped());
    }

    /** {@code base} with each prompt-injection rule's scanner replaced by {@code injection}. */
    public static GuardPipeline withScanner(GuardPipeline base, Scanner injection) {
        GuardPipeline.Builder b = GuardPipeline.builder().maxInputChars(base.maxInputChars()).anonymization(base.anonymization());
        base.rateLimit().ifPresent(b::rateLimit);
        for (GuardPipeline.Rule r : base.rules()) {
            Scanner s = r.scanner().name().equals(injection.name()) ? injection : r.scanner();
            b.add(s, r.action(), r.directions(), r.minScore());
        }
        return b.build();
    }
}
