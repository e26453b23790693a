package org.botsec.attack.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Reference: brute-force oracles (pairwise Mann–Whitney count; direct threshold scan). */
class RocTest {

    @Test
    void aucEqualsPairwiseOracleWithTies() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            int p = 1 + rng.nextInt(60);
            int n = 1 + rng.nextInt(60);
            double[] pos = new double[p];
            double[] neg = new double[n];
            for (int i = 0; i < p; i++) {
                pos[i] = rng.nextInt(12) + 0.5; // few distinct values: many ties
            }
            for (int i = 0; i < n; i++) {
                neg[i] = rng.nextInt(10);
            }
            double wins = 0;
            for (double a : pos) {
                for (double b : neg) {
                    wins += a > b ? 1 : a == b ? 0.5 : 0;
                }
            }
            assertEquals(wins / (p * (double) n), Roc.of(pos, neg).auc(), 1e-12, "trial " + trial);
        }
    }

    @Test
    void tprAtFprEqualsThresholdScan() {
        SplittableRandom rng = new SplittableRandom(11);
        double[] pos = new double[400];
        double[] neg = new double[1000];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = rng.nextGaussian() + 1;
        }
        for (int i = 0; i < neg.length; i++) {
            neg[i] = rng.nextGaussian();
        }
        Roc roc = Roc.of(pos, neg);
        for (double target : new double[] {0.0, 0.001, 0.01, 0.1, 0.5}) {
            double best = 0;
            // Oracle: every candidate threshold taken from the scores themselves.
            for (double t : concat(pos, neg)) {
                int fp = 0;
                int tp = 0;
                for (double v : neg) {
                    fp += v >= t ? 1 : 0;
                }
                for (double v : pos) {
                    tp += v >= t ? 1 : 0;
                }
                if (fp / (double) neg.length <= target) {
                    best = Math.max(best, tp / (double) pos.length);
                }
            }
            assertEquals(best, roc.tprAtFpr(target), 1e-12, "fpr " + target);
        }
    }

    @Test
    void perfectAndReversedSeparation() {
        assertEquals(1.0, Roc.of(new double[] {3, 4}, new double[] {1, 2}).auc(), 0);
        assertEquals(0.0, Roc.of(new double[] {1, 2}, new double[] {3, 4}).auc(), 0);
        assertEquals(1.0, Roc.of(new double[] {3, 4}, new double[] {1, 2}).tprAtFpr(0), 0);
    }

    @Test
    void rejectsEmptyAndNaN() {
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[0], new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[] {Double.NaN}, new double[] {1}));
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
