package org.botsec.privacy.internal;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Fixed-size batches from successive random permutations of the data (each epoch sees every example once;
 * a batch never spans two permutations, the tail of a permutation that does not fill a batch is dropped).
 * This is NOT what the accountants assume (Poisson sampling); it is offered because it is common, and results
 * obtained with it are labelled accordingly. Not thread-safe.
 */
public final class ShuffleSampler {
    private final int n;
    private final int batchSize;
    private final RandomGenerator random;
    private int[] permutation;
    private int position;

    public ShuffleSampler(int n, int batchSize, RandomGenerator random) {
        if (batchSize <= 0 || batchSize > n) {
            throw new IllegalArgumentException("batch size must be in [1, " + n + "], got " + batchSize);
        }
        this.n = n;
        this.batchSize = batchSize;
        this.random = random;
        this.position = n; // forces a permutation on first use
    }

    public int[] next() {
        if (position + batchSize > n) {
            permutation = new int[n];
            for (int i = 0; i < n; i++) {
                permutation[i] = i;
            }
            PoissonSampler.shuffle(permutation, random);
            position = 0;
        }
        int[] batch = Arrays.copyOfRange(permutation, position, position + batchSize);
        position += batchSize;
        return batch;
    }
}
