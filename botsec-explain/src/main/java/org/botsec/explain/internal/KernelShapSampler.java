package org.botsec.explain.internal;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The coalitions and weights of Kernel SHAP (Lundberg &amp; Lee 2017, Theorem 2) as the shap library builds them:
 * the Shapley kernel gives subset size s the total weight (M−1)/(s(M−s)); sizes s and M−s are paired. Going from
 * the smallest size up, a size (with its complement) is enumerated completely while the remaining budget covers
 * its expected number of draws; the rest of the budget is sampled (size from the leftover weights, then a
 * uniform subset, plus its complement), repeated draws adding weight to the same coalition, and the sampled
 * weights are rescaled to the kernel weight left over.
 */
public final class KernelShapSampler {
    private KernelShapSampler() {
    }

    /** Coalitions (row-major count×M 0/1) with kernel weights, and whether every coalition was enumerated. */
    public record Coalitions(byte[] masks, double[] weights, int count, boolean complete) {
        public Coalitions {
            masks = masks.clone();
            weights = weights.clone();
        }

        /** The masks (a copy). */
        @Override
        public byte[] masks() {
            return masks.clone();
        }

        /** The kernel weights (a copy). */
        @Override
        public double[] weights() {
            return weights.clone();
        }
    }

    /** shap's default budget: 2M + 2048. */
    public static int defaultSamples(int m) {
        return 2 * m + 2048;
    }

    /** Number of proper, non-empty coalitions, 2^M − 2 (capped at Integer.MAX_VALUE). */
    public static long maxSamples(int m) {
        return m >= 31 ? Integer.MAX_VALUE : (1L << m) - 2;
    }

    public static Coalitions build(int m, int nsamples, SplittableRandom random) {
        long max = maxSamples(m);
        int budget = (int) Math.min(nsamples, max);
        byte[] masks = new byte[budget * m];
        double[] weights = new double[budget];
        int added = 0;
        int numSubsetSizes = (m - 1 + 1) / 2; // ceil((M−1)/2)
        int numPairedSubsetSizes = (m - 1) / 2; // floor((M−1)/2)
        double[] weightVector = new double[numSubsetSizes];
        double sum = 0;
        for (int i = 1; i <= numSubsetSizes; i++) {
            weightVector[i - 1] = (m - 1.0) / (i * (double) (m - i));
            if (i <= numPairedSubsetSizes) {
                weightVector[i - 1] *= 2;
            }
            sum += weightVector[i - 1];
        }
        for (int i = 0; i < numSubsetSizes; i++) {
            weightVector[i] /= sum;
        }
        int numFullSubsets = 0;
        int samplesLeft = budget;
        double[] remaining = weightVector.clone();
        for (int size = 1; size <= numSubsetSizes; size++) {
            double nsubsets = binomial(m, size);
            if (size <= numPairedSubsetSizes) {
                nsubsets *= 2;
            }
            if (samplesLeft * remaining[size - 1] / nsubsets >= 1.0 - 1e-8) {
                numFullSubsets++;
                samplesLeft -= (int) nsubsets;
                if (remaining[size - 1] < 1.0) {
                    double r = 1 - remaining[size - 1];
                    for (int i = 0; i < remaining.length; i++) {
                        remaining[i] /= r;
                    }
                }
                double w = weightVector[size - 1] / binomial(m, size);
                if (size <= numPairedSubsetSizes) {
                    w /= 2.0;
                }
                int[] comb = new int[size];
                for (int i = 0; i < size; i++) {
                    comb[i] = i;
                }
                while (true) {
                    int o = added * m;
                    for (int i : comb) {
                        masks[o + i] = 1;
                    }
                    weights[added++] = w;
                    if (size <= numPairedSubsetSizes) {
                        int o2 = added * m;
                        for (int f = 0; f < m; f++) {
                            masks[o2 + f] = (byte) (1 - masks[o + f]);
                        }
                        weights[added++] = w;
                    }
                    if (!nextCombination(comb, m)) {
                        break;
                    }
                }
            } else {
                break;
            }
        }
        int nfixed = added;
        samplesLeft = budget - added;
        if (numFullSubsets != numSubsetSizes && samplesLeft > 0) {
            int len = numSubsetSizes - numFullSubsets;
            double[] p = new double[len];
            double ps = 0;
            for (int i = 0; i < len; i++) {
                int idx = numFullSubsets + i;
                p[i] = weightVector[idx] / (idx < numPairedSubsetSizes ? 2.0 : 1.0);
                ps += p[i];
            }
            double[] cdf = new double[len];
            double acc = 0;
            for (int i = 0; i < len; i++) {
                acc += p[i] / ps;
                cdf[i] = acc;
            }
            Map<BitSet, Integer> used = new HashMap<>();
            int[] perm = new int[m];
            long draws = 4L * samplesLeft;
            for (long draw = 0; draw < draws && samplesLeft > 0; draw++) {
                double u = random.nextDouble();
                int ind = 0;
                while (ind < len - 1 && u >= cdf[ind]) {
                    ind++;
                }
                int size = ind + numFullSubsets + 1;
                for (int i = 0; i < m; i++) {
                    perm[i] = i;
                }
                BitSet key = new BitSet(m);
                for (int i = 0; i < size; i++) {
                    int j = i + random.nextInt(m - i);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                    key.set(perm[i]);
                }
                Integer at = used.get(key);
                boolean isNew = at == null;
                if (isNew) {
                    at = added;
                    used.put(key, added);
                    samplesLeft--;
                    int o = added * m;
                    for (int f = key.nextSetBit(0); f >= 0; f = key.nextSetBit(f + 1)) {
                        masks[o + f] = 1;
                    }
                    weights[added++] = 1.0;
                } else {
                    weights[at] += 1.0;
                }
                if (samplesLeft > 0 && size <= numPairedSubsetSizes) {
                    if (isNew) {
                        samplesLeft--;
                        int o = added * m;
                        for (int f = 0; f < m; f++) {
                            masks[o + f] = (byte) (key.get(f) ? 0 : 1);
                        }
                        weights[added++] = 1.0;
                    } else {
                        weights[at + 1] += 1.0;
                    }
                }
            }
            double weightLeft = 0;
            for (int i = numFullSubsets; i < numSubsetSizes; i++) {
                weightLeft += weightVector[i];
            }
            double sampled = 0;
            for (int i = nfixed; i < added; i++) {
                sampled += weights[i];
            }
            if (sampled > 0) {
                for (int i = nfixed; i < added; i++) {
                    weights[i] *= weightLeft / sampled;
                }
            }
        }
        boolean complete = numFullSubsets == numSubsetSizes;
        return new Coalitions(Arrays.copyOf(masks, added * m), Arrays.copyOf(weights, added), added, complete);
    }

    static double binomial(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return Math.rint(r);
    }

    private static boolean nextCombination(int[] c, int n) {
        int k = c.length;
        int i = k - 1;
        while (i >= 0 && c[i] == n - k + i) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        c[i]++;
        for (int j = i + 1; j < k; j++) {
            c[j] = c[j - 1] + 1;
        }
        return true;
    }
}
