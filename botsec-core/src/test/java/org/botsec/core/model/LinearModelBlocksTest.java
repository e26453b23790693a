package org.botsec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.api.Test;

/**
 * predictProba scores standardised inputs without a standardised copy (binary models: one fused pass, eight rows at
 * a time; others: block by block through BLAS); the reference is the textbook formula evaluated row by row: σ(Σ w_j (x_j − μ_j)/s_j + b), softmax for 3 classes.
 */
class LinearModelBlocksTest {
    @Test
    void blockwiseProbabilitiesEqualRowByRowFormula() {
        SplittableRandom r = new SplittableRandom(3);
        int d = 30;
        for (int k : new int[] {2, 3}) {
            int rows = k == 2 ? 1 : k;
            double[][] w = new double[rows][d];
            double[] b = new double[rows];
            double[] mean = new double[d];
            double[] scale = new double[d];
            for (int j = 0; j < d; j++) {
                mean[j] = r.nextGaussian();
                scale[j] = 0.1 + r.nextDouble();
                for (int c = 0; c < rows; c++) {
                    w[c][j] = r.nextGaussian() / 5;
                }
            }
            for (int c = 0; c < rows; c++) {
                b[c] = r.nextGaussian();
            }
            List<String> classes = k == 2 ? List.of("a", "b") : List.of("a", "b", "c");
            List<String> features = new java.util.ArrayList<>();
            for (int j = 0; j < d; j++) {
                features.add("f" + j);
            }
            LinearModel m = LinearModel.of(w, b, classes, features, mean, scale);
            for (int n : new int[] {1, 7, 8, 68, 69, 1000}) {
                Matrix x = new Matrix(n, d);
                for (int i = 0; i < x.data().length; i++) {
                    x.data()[i] = 2 * r.nextGaussian();
                }
                Matrix p = m.predictProba(x);
                for (int i = 0; i < n; i++) {
                    double[] z = new double[rows];
                    for (int c = 0; c < rows; c++) {
                        z[c] = b[c];
                        for (int j = 0; j < d; j++) {
                            z[c] += w[c][j] * (x.get(i, j) - mean[j]) / scale[j];
                        }
                    }
                    if (k == 2) {
                        assertEquals(1 / (1 + Math.exp(-z[0])), p.get(i, 1), 1e-14, "n=" + n + " row " + i);
                        assertEquals(1 / (1 + Math.exp(z[0])), p.get(i, 0), 1e-14, "n=" + n + " row " + i);
                    } else {
                        double s = 0;
                        for (double v : z) {
                            s += Math.exp(v);
                        }
                        for (int c = 0; c < k; c++) {
                            assertEquals(Math.exp(z[c]) / s, p.get(i, c), 1e-14, "n=" + n + " row " + i);
                        }
                    }
                }
            }
        }
    }
}
