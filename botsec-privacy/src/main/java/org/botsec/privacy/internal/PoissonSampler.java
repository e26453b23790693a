package org.botsec.privacy.internal;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Poisson sampling: every one of n examples is included independently with probability q, so batch sizes vary
 * (mean qn). Implemented by drawing the gaps between included indices from the geometric distribution
 * (P(gap = k) = (1-q)^k q), which is exactly equivalent to n Bernoulli(q) draws but costs about qn random
 * numbers instead of n. The included indices are then put in random order. Not thread-safe.
 */
public final class PoissonSampler {
    private final int n;
    private final double q;
    private final double log1mQ;
    private final RandomGenerator random;
    private int[] buffer = new int[16];

    public PoissonSampler(int n, double sampleRate, RandomGenerator random) {
        if (n <= 0 || !(sampleRate > 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("need n > 0 and sampleRate in (0, 1], got " + n + ", " + sampleRate);
        }
        this.n = n;
        this.q = sampleRate;
        this.log1mQ = Math.log1p(-sampleRate);
        this.random = random;
    }

    /** The next batch: indices in [0, n), each present with probability q, in random order. */
    public int[] next() {
        int count = 0;
        if (q == 1.0) {
            if (buffer.length < n) {
                buffer = new int[n];
            }
            for (int i = 0; i < n; i++) {
                buffer[count++] = i;
            }
        } else {
            long idx = -1;
            while (true) {
                double u = 1.0 - random.nextDouble(); // (0, 1]
                idx += 1 + (long) Math.floor(Math.log(u) / log1mQ);
                if (idx >= n) {
                    break;
                }
                if (count == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                buffer[count++] = (int) idx;
            }
        }
        int[] batch = Arrays.copyOf(buffer, count);
        shuffle(batch, random);
        return batch;
    }

    /** Fisher-Yates shuffle. */
    public static void shuffle(int[] a, RandomGenerator random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
