package org.botsec.core.model;

import org.botsec.core.io.internal.LinearModelFormat;
import org.botsec.core.io.ModelRegistry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Oracles: a naive per-example loop written here, and central finite differences. */
class LinearModelTest {

    private static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** A random model with k classes over d features, with or without a standardiser. */
    static LinearModel randomModel(int k, int d, boolean scaled, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int r = k == 2 ? 1 : k;
        double[][] coef = new double[r][d];
        double[] b = new double[r];
        for (int c = 0; c < r; c++) {
            for (int j = 0; j < d; j++) {
                coef[c][j] = rnd.nextGaussian();
            }
            b[c] = rnd.nextGaussian();
        }
        double[] mean = null;
        double[] scale = null;
        if (scaled) {
            mean = new double[d];
            scale = new double[d];
            for (int j = 0; j < d; j++) {
                mean[j] = rnd.nextGaussian();
                scale[j] = 0.5 + rnd.nextDouble();
            }
        }
        return scaled ? LinearModel.of(coef, b, names("c", k), names("f", d), mean, scale)
                : LinearModel.of(coef, b, names("c", k), names("f", d));
    }

    static Matrix randomX(int n, int d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Matrix x = new Matrix(n, d);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = rnd.nextGaussian();
        }
        return x;
    }

    /** Cross-entropy of one example, straight from the definition (for finite differences). */
    static double loss(LinearModel m, double[] x, int label) {
        Matrix p = m.predictProba(new Matrix(1, x.length, x.clone()));
        return -Math.log(p.get(0, label));
    }

    /** Per-example parameter gradient by the naive formula: [g ⊗ x̃, g]. */
    static double[] naiveGradient(LinearModel m, double[] x, int label) {
        int d = m.numFeatures();
        int r = m.coefRows();
        double[] xs = x.clone();
        if (m.scaler().isPresent()) {
            for (int j = 0; j < d; j++) {
                xs[j] = (x[j] - m.scaler().orElseThrow().mean()[j]) / m.scaler().orElseThrow().scale()[j];
            }
        }
        Matrix p = m.predictProba(new Matrix(1, d, x.clone()));
        double[] g = new double[r];
        if (r == 1) {
            g[0] = p.get(0, 1) - label;
        } else {
            for (int c = 0; c < r; c++) {
                g[c] = p.get(0, c) - (c == label ? 1 : 0);
            }
        }
        double[] out = new double[r * d + r];
        for (int c = 0; c < r; c++) {
            for (int j = 0; j < d; j++) {
                out[c * d + j] = g[c] * xs[j];
            }
            out[r * d + c] = g[c];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void groupNormsAndWeightedSumMatchNaiveLoop(int k) {
        int n = 23;
        int d = 7;
        for (boolean scaled : new boolean[] {false, true}) {
            LinearModel m = randomModel(k, d, scaled, 11 + k);
            Matrix x = randomX(n, d, 5);
            SplittableRandom rnd = new SplittableRandom(3);
            int[] y = new int[n];
            int[] groups = new int[n];
            double[] weights = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = rnd.nextInt(k);
                groups[i] = rnd.nextInt(5);
                weights[i] = rnd.nextDouble();
            }
            int p = m.numParameters();
            double[][] per = new double[n][];
            for (int i = 0; i < n; i++) {
                per[i] = naiveGradient(m, x.row(i), y[i]);
            }
            // per-example norms (groups[i] = i)
            int[] self = new int[n];
            for (int i = 0; i < n; i++) {
                self[i] = i;
            }
            double[] norms = m.groupGradientSquaredNorms(x, y, self, n);
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (double v : per[i]) {
                    s += v * v;
                }
                assertEquals(s, norms[i], 1e-9 * Math.max(1, s));
            }
            // group norms
            double[] groupNorms = m.groupGradientSquaredNorms(x, y, groups, 6); // group 5 is empty
            for (int q = 0; q < 6; q++) {
                double[] sum = new double[p];
                for (int i = 0; i < n; i++) {
                    if (groups[i] == q) {
                        for (int t = 0; t < p; t++) {
                            sum[t] += per[i][t];
                        }
                    }
                }
                double s = 0;
                for (double v : sum) {
                    s += v * v;
                }
                assertEquals(s, groupNorms[q], 1e-9 * Math.max(1, s));
            }
            // weighted sum
            double[] out = new double[p];
            m.weightedGradientSum(x, y, weights, out);
            for (int t = 0; t < p; t++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += weights[i] * per[i][t];
                }
                assertEquals(s, out[t], 1e-9);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void parameterGradientMatchesFiniteDifferences(int k) {
        LinearModel m = randomModel(k, 4, true, 21);
        double[] x = randomX(1, 4, 9).row(0);
        int label = k - 1;
        double[] g = naiveGradient(m, x, label);
        double[] out = new double[m.numParameters()];
        m.weightedGradientSum(new Matrix(1, 4, x.clone()), new int[] {label}, new double[] {1.0}, out);
        double[] theta = new double[m.numParameters()];
        m.getParameters(theta);
        double h = 1e-6;
        for (int t = 0; t < theta.length; t++) {
            double[] tp = theta.clone();
            tp[t] += h;
            m.setParameters(tp);
            double up = loss(m, x, label);
            tp[t] -= 2 * h;
            m.setParameters(tp);
            double down = loss(m, x, label);
            assertEquals((up - down) / (2 * h), out[t], 1e-7);
            assertEquals(g[t], out[t], 1e-12);
        }
        m.setParameters(theta);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5})
    void inputGradientMatchesFiniteDifferences(int k) {
        int d = 6;
        LinearModel m = randomModel(k, d, true, 31 + k);
        Matrix x = randomX(4, d, 17);
        int[] y = {0, 1, k - 1, 1};
        Matrix g = m.lossInputGradient(x, y);
        double h = 1e-6;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < d; j++) {
                double[] xp = x.row(i);
                xp[j] += h;
                double up = loss(m, xp, y[i]);
                xp[j] -= 2 * h;
                double down = loss(m, xp, y[i]);
                assertEquals((up - down) / (2 * h), g.get(i, j), 1e-7);
            }
        }
    }

    @Test
    void zerosGiveUniformProbabilitiesAndBinaryHasOneRow() {
        LinearModel bin = LinearModel.zeros(names("f", 3), List.of("no", "yes"));
        assertEquals(1, bin.coefRows());
        assertEquals(4, bin.numParameters());
        LinearModel multi = LinearModel.zeros(names("f", 3), names("c", 4));
        assertEquals(16, multi.numParameters());
        Matrix p = multi.predictProba(randomX(2, 3, 1));
        for (double v : p.data()) {
            assertEquals(0.25, v, 1e-15);
        }
        assertEquals(0.5, bin.predictProba(randomX(1, 3, 1)).get(0, 1), 1e-15);
    }

    @Test
    void stateRoundTrip() {
        LinearModel m = randomModel(3, 5, true, 41);
        LinearModel back = LinearModelFormat.fromState(ModelRegistry.state(m));
        Matrix x = randomX(3, 5, 2);
        Matrix a = m.predictProba(x);
        Matrix b = back.predictProba(x);
        for (int i = 0; i < a.data().length; i++) {
            assertEquals(a.data()[i], b.data()[i], 0.0);
        }
        assertEquals(m.featureNames(), back.featureNames());
        assertEquals("logistic_regression", ModelRegistry.state(m).type());
        assertTrue(ModelRegistry.state(m).tensors().containsKey("scaler_scale"));
    }

    @Test
    void importValidatesShapesAndValues() {
        List<String> two = List.of("a", "b");
        List<String> f2 = List.of("x", "y");
        BadInputException e = assertThrows(BadInputException.class,
                () -> LinearModel.of(new double[][] {{1, 2}, {3, 4}}, new double[] {0, 0}, two, f2));
        assertTrue(e.getMessage().contains("1 row(s) for 2 classes, got 2"), e.getMessage());
        assertThrows(BadInputException.class,
                () -> LinearModel.of(new double[][] {{1}}, new double[] {0}, two, f2));
        assertThrows(BadInputException.class,
                () -> LinearModel.of(new double[][] {{1, Double.NaN}}, new double[] {0}, two, f2));
        assertThrows(BadInputException.class, () -> LinearModel.of(new double[][] {{1, 2}}, new double[] {0}, two,
                f2, new double[] {0, 0}, new double[] {1, 0}));
        assertThrows(BadInputException.class, () -> LinearModel.of(new double[][] {{1, 2}}, new double[] {0}, two,
                f2, new double[] {0, 0}, null));
        assertThrows(BadInputException.class,
                () -> LinearModel.of(new double[][] {{1, 2}}, new double[] {0}, List.of("a", "a"), f2));
        LinearModel ok = LinearModel.of(new double[][] {{1, 2}}, new double[] {0.5}, two, f2);
        // P(b) = σ(1·1 + 2·(−1) + 0.5) = σ(−0.5)
        assertEquals(1 / (1 + Math.exp(0.5)), ok.predictProba(Matrix.of(new double[][] {{1, -1}})).get(0, 1), 1e-15);
        assertThrows(BadInputException.class, () -> ok.predictProba(new Matrix(1, 3)));
    }
}
