package org.botsec.core.model.internal.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.math.Logistic;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel of a binary {@link LinearModel} against two references: (1) the previous implementation,
 * {@link ScalarBinary} scores then {@link Softmax#binaryInPlace} (what {@code predictProba} computes without
 * {@code --add-modules jdk.incubator.vector}), to 1e-12 relative on every probability — in fact to a few ulps —
 * on the built-in breast-cancer (30 features) and credit_g (61) data with standardised logistic regressions trained
 * here, and on random models with d = 1 … 61 features and n = 0 … 1,000 rows (every tail of the four-row and
 * four-feature loops and of the 256-row block); (2) the textbook formula σ(Σ_j w_j (x_j − μ_j)/s_j + b) with
 * {@link Logistic#sigmoid}, row by row. This module's tests run with the Vector API module (see its pom), so the
 * first test checks that the kernel is really the one {@code LinearModel} uses.
 */
class VectorBinaryTest {
    @Test
    void vectorKernelIsActiveInThisModulesTests() {
        assertTrue(Simd.AVAILABLE, "tests of botsec-core run with --add-modules jdk.incubator.vector on an AVX2 CPU");
    }

    @Test
    void realDataAgreesWithPreviousKernelAndTextbook() {
        for (String name : new String[] {"breast_cancer", "credit_g"}) {
            Dataset train = Builtins.load(name, Split.TRAIN);
            LinearModel model = LogisticRegression.builder().standardize(true).build().fit(train);
            for (Split split : new Split[] {Split.TRAIN, Split.TEST}) {
                Matrix x = Builtins.load(name, split).x();
                compare(model, x, name + " " + split);
            }
        }
    }

    @Test
    void randomModelsAgreeAtEveryTail() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int d : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 30, 61}) {
            for (boolean scaled : new boolean[] {false, true}) {
                for (double intercept : new double[] {0.3, -745.0, 800.0}) {
                    double[][] w = new double[1][d];
                    double[] mean = new double[d];
                    double[] scale = new double[d];
                    List<String> features = new ArrayList<>();
                    for (int j = 0; j < d; j++) {
                        w[0][j] = rnd.nextGaussian() / 5;
                        mean[j] = rnd.nextGaussian() * 3;
                        scale[j] = 0.1 + rnd.nextDouble() * 4;
                        features.add("f" + j);
                    }
                    LinearModel m = scaled
                            ? LinearModel.of(w, new double[] {intercept}, List.of("a", "b"), features, mean, scale)
                            : LinearModel.of(w, new double[] {intercept}, List.of("a", "b"), features);
                    for (int n : new int[] {0, 1, 3, 4, 5, 7, 8, 255, 256, 257, 1000}) {
                        double[] xd = new double[n * d];
                        for (int i = 0; i < xd.length; i++) {
                            xd[i] = rnd.nextGaussian() * 2 + (i % 3);
                        }
                        compare(m, new Matrix(n, d, xd), "d=" + d + " scaled=" + scaled + " b=" + intercept + " n=" + n);
                    }
                }
            }
        }
    }

    /** The k-class path (BLAS scores, softmax) is not the vector kernel's; digits (10 classes) against the textbook. */
    @Test
    void tenClassDigitsAgreeWithTextbookSoftmax() {
        Dataset train = Builtins.load("digits8x8", Split.TRAIN);
        LinearModel model = LogisticRegression.builder().standardize(true).build().fit(train);
        Matrix x = Builtins.load("digits8x8", Split.TEST).x();
        Matrix p = model.predictProba(x);
        int k = model.classNames().size();
        int d = x.cols();
        assertEquals(10, k);
        double[] coef = model.coef().data();
        double[] b = model.intercept();
        double[] mean = model.scaler().orElseThrow().mean();
        double[] scale = model.scaler().orElseThrow().scale();
        for (int i = 0; i < x.rows(); i++) {
            double[] z = new double[k];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                z[c] = b[c];
                for (int j = 0; j < d; j++) {
                    z[c] += coef[c * d + j] * (x.get(i, j) - mean[j]) / scale[j];
                }
                max = Math.max(max, z[c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(z[c] - max);
            }
            for (int c = 0; c < k; c++) {
                double ref = Math.exp(z[c] - max) / sum;
                assertTrue(Math.abs(p.get(i, c) - ref) <= 1e-12 * ref + Double.MIN_NORMAL,
                        "digits row " + i + " class " + c + ": " + p.get(i, c) + " vs textbook " + ref);
            }
        }
    }

    @Test
    void rowResultDoesNotDependOnItsPositionInTheBatch() {
        Dataset train = Builtins.load("breast_cancer", Split.TRAIN);
        LinearModel model = LogisticRegression.builder().standardize(true).build().fit(train);
        Matrix x = train.x();
        Matrix all = model.predictProba(x);
        for (int i : new int[] {0, 1, 2, 3, 4, 5, 255, 256, 257, x.rows() - 1}) {
            Matrix one = model.predictProba(new Matrix(1, x.cols(), x.row(i)));
            assertArrayEquals(all.row(i), one.row(0), "row " + i);
        }
    }

    /** predictProba (vector kernel) against the scalar kernel + Softmax and against the textbook formula. */
    private static void compare(LinearModel model, Matrix x, String where) {
        int n = x.rows();
        int d = x.cols();
        double[] coef = model.coef().data();
        double b = model.intercept()[0];
        double[] mean = model.scaler().map(Standardizer::mean).orElse(new double[d]);
        double[] scale = model.scaler().map(Standardizer::scale).orElse(null);
        double[] ws = new double[d];
        for (int j = 0; j < d; j++) {
            ws[j] = scale == null ? coef[j] : coef[j] / scale[j];
        }
        double[] previous = new double[2 * n];
        ScalarBinary.scores(x.data(), n, d, mean, ws, b, previous, 1, 2);
        double[] zScalar = new double[n];
        ScalarBinary.scores(x.data(), n, d, mean, ws, b, zScalar, 0, 1);
        Softmax.binaryInPlace(previous, n);
        double[] zVector = new double[n];
        VectorBinary.scores(x.data(), n, d, mean, ws, b, zVector, 0, 1);
        Matrix p = model.predictProba(x);
        Matrix z = model.decisionFunction(x);
        assertEquals(n, p.rows());
        for (int i = 0; i < n; i++) {
            double terms = 0;
            double textbook = b;
            for (int j = 0; j < d; j++) {
                double v = scale == null ? x.get(i, j) : (x.get(i, j) - mean[j]) / scale[j];
                terms += Math.abs(coef[j] * v);
                textbook += coef[j] * v;
            }
            // the two kernels sum the same products in another order: a few ulps of Σ|terms|
            assertTrue(Math.abs(zVector[i] - zScalar[i]) <= 1e-14 * (terms + Math.abs(b)),
                    where + " row " + i + ": score " + zVector[i] + " vs scalar " + zScalar[i]);
            assertEquals(zVector[i], z.get(i, 0), 0.0, where + " row " + i + ": decisionFunction uses the kernel");
            for (int c = 0; c < 2; c++) {
                double a = p.get(i, c);
                double old = previous[2 * i + c];
                // a score error δ moves σ relatively by at most δ
                double tol = Math.max(1e-15, 1e-14 * (terms + Math.abs(b)));
                assertTrue(Math.abs(a - old) <= 1e-12 * Math.abs(old) && Math.abs(a - old) <= tol * Math.abs(old)
                                + Double.MIN_NORMAL,
                        where + " row " + i + " class " + c + ": " + a + " vs previous " + old);
                double ref = Logistic.sigmoid(c == 1 ? textbook : -textbook);
                assertTrue(Math.abs(a - ref) <= 1e-13 * (1 + Math.abs(textbook)) * Math.abs(ref) + Double.MIN_NORMAL,
                        where + " row " + i + " class " + c + ": " + a + " vs textbook " + ref);
            }
        }
    }
}
