package org.botsec.core.rand;

import java.security.SecureRandom;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A source of random numbers that knows whether it is secure and, if replayable, its seed. DP noise and
 * sampling use {@link #secure()} by default; explanations, attacks and data splits use a seeded
 * {@link #replayable(long)} source and record the seed in their results so they can be replayed.
 *
 * @param generator the generator to draw from
 * @param seed      the seed when replayable, empty for a secure source
 */
public record Randomness(RandomGenerator generator, OptionalLong seed) {

    /** A {@link SecureRandom}-backed source: not replayable, suitable for DP noise. */
    public static Randomness secure() {
        return new Randomness(new SecureRandom(), OptionalLong.empty());
    }

    /** A seeded {@link SplittableRandom}: replayable, NOT suitable for DP noise in production. */
    public static Randomness replayable(long seed) {
        return new Randomness(new SplittableRandom(seed), OptionalLong.of(seed));
    }

    public boolean isSecure() {
        return seed.isEmpty();
    }
}
