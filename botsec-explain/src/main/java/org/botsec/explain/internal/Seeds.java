package org.botsec.explain.internal;

import java.security.SecureRandom;
import org.botsec.core.rand.Randomness;

/** Seed helpers: a fresh seed when the caller gave none, and independent per-row seeds for batches. */
public final class Seeds {
    private static final SecureRandom SECURE = new SecureRandom();

    private Seeds() {
    }

    /** A fresh random seed (recorded in results so the run can be replayed). */
    public static long fresh() {
        return SECURE.nextLong();
    }

    /**
     * The seed a {@link Randomness} stands for: its own seed when replayable, otherwise one draw from it (recorded
     * in the results, so even a secure source's explanation can be replayed).
     */
    public static long of(Randomness randomness) {
        return randomness.seed().isPresent() ? randomness.seed().getAsLong() : randomness.generator().nextLong();
    }

    /**
     * The seed of row {@code row} in a batch seeded with {@code seed}: the SplitMix64 finaliser of
     * {@code seed + (row + 1)·φ}, so rows get well-mixed, distinct and order-independent seeds.
     */
    public static long forRow(long seed, long row) {
        long z = seed + (row + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
