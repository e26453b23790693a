package org.botsec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LinearModel#clippedGradientSum} (inputs standardised and score gradients computed once) against the
 * two-call definition of {@link PerExampleGradients#clippedGradientSum} — group norms, clip weights computed here,
 * one weighted sum — to 1e-12; the two calls are themselves checked against a naive loop in LinearModelTest.
 */
class LinearModelClippedGradientSumTest {
    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void fusedEqualsTwoCalls(int k) {
        int n = 23;
        int d = 7;
        for (boolean scaled : new boolean[] {false, true}) {
            for (boolean perExample : new boolean[] {true, false}) {
                LinearModel m = LinearModelTest.randomModel(k, d, scaled, 11 + k);
                Matrix x = LinearModelTest.randomX(n, d, 5);
                SplittableRandom rnd = new SplittableRandom(3);
                int numGroups = perExample ? n : 6; // group 5 stays empty
                int[] y = new int[n];
                int[] groups = new int[n];
                int[] size = new int[numGroups];
                for (int i = 0; i < n; i++) {
                    y[i] = rnd.nextInt(k);
                    groups[i] = perExample ? i : rnd.nextInt(5);
                    size[groups[i]]++;
                }
                double[] sq = m.groupGradientSquaredNorms(x, y, groups, numGroups);
                double[] sorted = sq.clone();
                java.util.Arrays.sort(sorted);
                double c = Math.sqrt(sorted[numGroups / 2]) / (perExample ? 1 : 4); // clips some groups, not all
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    int g = groups[i];
                    double norm = Math.sqrt(sq[g]) / size[g];
                    w[i] = Math.min(1.0, c / norm) / size[g];
                }
                double[] expected = new double[m.numParameters()];
                m.weightedGradientSum(x, y, w, expected);
                double[] fused = new double[m.numParameters()];
                double[] norms = m.clippedGradientSum(x, y, groups, numGroups, c, fused);
                for (int t = 0; t < expected.length; t++) {
                    assertEquals(expected[t], fused[t], 1e-12 * Math.max(1, Math.abs(expected[t])), "parameter " + t);
                }
                for (int g = 0; g < numGroups; g++) {
                    assertEquals(sq[g], norms[g], 1e-12 * Math.max(1, sq[g]), "group " + g);
                }
            }
        }
    }
}
