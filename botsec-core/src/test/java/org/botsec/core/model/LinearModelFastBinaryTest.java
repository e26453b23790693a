package org.botsec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.math.Logistic;
import org.junit.jupiter.api.Test;

/**
 * A binary model's predictProba writes probabilities in one pass (scores straight into the result, then the
 * two-branch sigmoid in place). Two references: (1) the composed formula {@code Softmax.probabilities(
 * decisionFunction(x), 2)}, which must agree to 1e-15 relative (in fact bit for bit) with and without a
 * standardiser, on random rows including scores near ±800 where one probability underflows; (2) the textbook
 * formula row by row, σ(Σ_j w_j (x_j − μ_j)/s_j + b) with {@link Logistic#sigmoid}, to a few ulps of the score.
 */
class LinearModelFastBinaryTest {
    private static final int D = 30;

    @Test
    void fastBinaryPathEqualsDecisionFunctionThenSoftmax() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (boolean scaled : new boolean[] {false, true}) {
            for (double intercept : new double[] {0.3, 800.0, -800.0, 745.0, -745.0, 36.0}) {
                double[][] w = new double[1][D];
                double[] mean = new double[D];
                double[] scale = new double[D];
                for (int j = 0; j < D; j++) {
                    w[0][j] = rnd.nextGaussian() / 5;
                    mean[j] = rnd.nextGaussian() * 3;
                    scale[j] = 0.1 + rnd.nextDouble() * 4;
                }
                List<String> features = new ArrayList<>();
                for (int j = 0; j < D; j++) {
                    features.add("f" + j);
                }
                LinearModel m = scaled
                        ? LinearModel.of(w, new double[] {intercept}, List.of("a", "b"), features, mean, scale)
                        : LinearModel.of(w, new double[] {intercept}, List.of("a", "b"), features);
                for (int n : new int[] {0, 1, 7, 8, 13, 1000}) {
                    double[] xd = new double[n * D];
                    for (int i = 0; i < xd.length; i++) {
                        xd[i] = rnd.nextGaussian() * 2 + (i % 3);
                    }
                    Matrix x = new Matrix(n, D, xd);
                    Matrix fast = m.predictProba(x);
                    Matrix old = Softmax.probabilities(m.decisionFunction(x), 2);
                    assertEquals(n, fast.rows());
                    assertEquals(2, fast.cols());
                    for (int i = 0; i < n; i++) {
                        double z = 0;
                        for (int j = 0; j < D; j++) {
                            double v = scaled ? (xd[i * D + j] - mean[j]) / scale[j] : xd[i * D + j];
                            z += w[0][j] * v;
                        }
                        z += intercept;
                        for (int c = 0; c < 2; c++) {
                            double a = fast.get(i, c);
                            double b = old.get(i, c);
                            String where = "scaled=" + scaled + " b=" + intercept + " n=" + n + " row " + i
                                    + " class " + c;
                            assertTrue(Math.abs(a - b) <= 1e-15 * Math.max(Math.abs(a), Math.abs(b)),
                                    where + ": fast " + a + " vs composed " + b);
                            double ref = Logistic.sigmoid(c == 1 ? z : -z);
                            // A score error of δ moves p relatively by at most δ; δ ≤ a few ulps of |z| + Σ|terms|.
                            double tol = 1e-13 * (1 + Math.abs(z)) * Math.max(Math.abs(a), Math.abs(ref));
                            assertTrue(Math.abs(a - ref) <= tol, where + ": fast " + a + " vs textbook " + ref);
                        }
                        assertTrue(fast.get(i, 0) + fast.get(i, 1) > 1 - 1e-15);
                    }
                }
            }
        }
    }
}
