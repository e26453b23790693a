package org.botsec.privacy.internal;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.botsec.core.rand.Randomness;

/**
 * Gaussian noise for large parameter vectors, drawn in {@value #PARTS} fixed contiguous parts, each from its own
 * generator, in parallel on the common fork-join pool. The split does not depend on the machine, so a seeded
 * run draws the same noise everywhere. Secure sources get one independent {@code DRBG} SecureRandom per part;
 * seeded {@link SplittableRandom} sources are split; any other generator is used alone, sequentially.
 * Not thread-safe (one instance per training run).
 */
public final class ParallelGaussianNoise {
    static final int PARTS = 4;
    /** Below this length the parts are drawn on the calling thread (fork-join overhead would dominate). */
    private static final int PARALLEL_THRESHOLD = 1 << 15;

    private final GaussianNoise[] parts;

    private ParallelGaussianNoise(GaussianNoise[] parts) {
        this.parts = parts;
    }

    /** Noise drawn from {@code randomness} (and, when secure, further independent DRBG instances). */
    public static ParallelGaussianNoise from(Randomness randomness) {
        RandomGenerator g = randomness.generator();
        GaussianNoise[] parts;
        if (randomness.isSecure()) {
            parts = new GaussianNoise[PARTS];
            parts[0] = new GaussianNoise(g);
            for (int k = 1; k < PARTS; k++) {
                parts[k] = new GaussianNoise(drbg());
            }
        } else if (g instanceof SplittableRandom s) {
            parts = new GaussianNoise[PARTS];
            for (int k = 0; k < PARTS; k++) {
                parts[k] = new GaussianNoise(s.split());
            }
        } else {
            parts = new GaussianNoise[] {new GaussianNoise(g)};
        }
        return new ParallelGaussianNoise(parts);
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** Adds scale·N(0, 1) to every element of {@code out}. */
    public void add(double[] out, double scale) {
        int n = out.length;
        int k = parts.length;
        if (k == 1) {
            parts[0].add(out, 0, n, scale);
            return;
        }
        IntStream range = IntStream.range(0, k);
        if (n >= PARALLEL_THRESHOLD) {
            range = range.parallel();
        }
        range.forEach(p -> parts[p].add(out, (int) ((long) n * p / k), (int) ((long) n * (p + 1) / k), scale));
    }
}
