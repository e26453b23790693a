package org.botsec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Mlp#clippedGradientSum} (one fused forward/backward pass) against two references: the interface's
 * two-call definition (group norms, then one weighted backward pass, weights computed here independently), to
 * 1e-12, and the naive per-example loop of {@link MlpNaiveOracle} (each example's gradient alone, group means
 * clipped by hand), to 1e-9.
 */
class MlpClippedGradientSumTest {
    private static final int[][] ARCHITECTURES = {{6, 5, 4, 3}, {20, 16, 3}, {4, 2}, {30, 8, 5}};

    /** numGroups = n: per-example clipping; fewer: microbatches of unequal size, one of them empty. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void fusedEqualsTwoCallsAndNaiveLoop(int grouping) {
        for (int a = 0; a < ARCHITECTURES.length; a++) {
            int[] sizes = ARCHITECTURES[a];
            int n = 23;
            SplittableRandom r = new SplittableRandom(31L * a + grouping);
            Mlp mlp = Mlp.create(sizes, MlpGradientTest.names("x", sizes[0]),
                    MlpGradientTest.names("c", sizes[sizes.length - 1]), Randomness.replayable(a + 7));
            double[] theta = new double[mlp.numParameters()];
            mlp.getParameters(theta);
            for (int t = 0; t < theta.length; t++) {
                theta[t] += r.nextDouble(-0.3, 0.3);
            }
            mlp.setParameters(theta);
            Matrix x = new Matrix(n, sizes[0]);
            for (int t = 0; t < x.data().length; t++) {
                x.data()[t] = r.nextDouble(-2, 2);
            }
            int k = sizes[sizes.length - 1];
            int[] y = new int[n];
            int[] groups = new int[n];
            int numGroups = grouping == 0 ? n : grouping == 1 ? 4 : 6;
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(k);
                // grouping 2: group 5 stays empty, the others get unequal sizes
                groups[i] = grouping == 0 ? i : grouping == 1 ? i % 4 : r.nextInt(5);
            }
            double[][] perExample = new double[n][];
            for (int i = 0; i < n; i++) {
                perExample[i] = MlpNaiveOracle.exampleGradient(sizes, theta, x.row(i), y[i]);
            }
            // a clip norm below some group norms and above others, so that both branches run
            double[] meanNorms = new double[numGroups];
            int[] size = new int[numGroups];
            double[][] sums = new double[numGroups][theta.length];
            for (int i = 0; i < n; i++) {
                size[groups[i]]++;
                for (int t = 0; t < theta.length; t++) {
                    sums[groups[i]][t] += perExample[i][t];
                }
            }
            for (int g = 0; g < numGroups; g++) {
                meanNorms[g] = size[g] == 0 ? 0 : Math.sqrt(dot(sums[g], sums[g])) / size[g];
            }
            double[] sorted = meanNorms.clone();
            java.util.Arrays.sort(sorted);
            double c = sorted[numGroups / 2] * 0.999 + 1e-3;

            double[] fused = new double[theta.length];
            double[] norms = mlp.clippedGradientSum(x, y, groups, numGroups, c, fused);

            // reference 1: the two-call definition, weights computed here
            double[] twoCallNorms = mlp.groupGradientSquaredNorms(x, y, groups, numGroups);
            double[] w = new double[n];
            int clipped = 0;
            for (int i = 0; i < n; i++) {
                int g = groups[i];
                double norm = Math.sqrt(twoCallNorms[g]) / size[g];
                w[i] = Math.min(1.0, c / norm) / size[g];
            }
            for (int g = 0; g < numGroups; g++) {
                clipped += meanNorms[g] > c ? 1 : 0;
            }
            assertTrue(clipped > 0 && clipped < numGroups, "clip norm splits the groups: " + clipped);
            double[] twoCall = new double[theta.length];
            mlp.weightedGradientSum(x, y, w, twoCall);
            double scale = Math.sqrt(dot(twoCall, twoCall));
            for (int t = 0; t < theta.length; t++) {
                assertEquals(twoCall[t], fused[t], 1e-12 * Math.max(1, scale), "arch " + a + " parameter " + t);
            }
            for (int g = 0; g < numGroups; g++) {
                assertEquals(twoCallNorms[g], norms[g], 1e-12 * Math.max(1, twoCallNorms[g]), "norm of group " + g);
            }

            // reference 2: the naive loop, clipping each group's mean gradient by hand
            double[] naive = new double[theta.length];
            for (int g = 0; g < numGroups; g++) {
                if (size[g] == 0) {
                    continue;
                }
                double f = Math.min(1.0, c / meanNorms[g]) / size[g];
                for (int t = 0; t < theta.length; t++) {
                    naive[t] += f * sums[g][t];
                }
            }
            for (int t = 0; t < theta.length; t++) {
                assertEquals(naive[t], fused[t], 1e-9 * Math.max(1, scale), "arch " + a + " parameter " + t);
            }
        }
    }

    @Test
    void emptyBatchGivesZeroAndBadArgumentsAreNamed() {
        int[] sizes = {3, 2};
        Mlp mlp = Mlp.create(sizes, MlpGradientTest.names("x", 3), MlpGradientTest.names("c", 2),
                Randomness.replayable(1));
        double[] out = new double[mlp.numParameters()];
        java.util.Arrays.fill(out, 7.0);
        double[] norms = mlp.clippedGradientSum(new Matrix(0, 3), new int[0], new int[0], 2, 1.0, out);
        assertEquals(2, norms.length);
        for (double v : out) {
            assertEquals(0.0, v, 0.0);
        }
        Matrix x = new Matrix(1, 3, new double[] {1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mlp.clippedGradientSum(x, new int[] {0}, new int[] {0}, 1, -1.0, out));
        assertEquals("l2NormClip must be > 0 and finite, got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> mlp.clippedGradientSum(x, new int[] {0}, new int[] {3}, 2, 1.0, out));
        assertEquals("group 3 at row 0 is not in [0, 2)", e.getMessage());
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
