package org.botsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.attack.evasion.internal.LinearGradientKernel;
import org.botsec.attack.evasion.internal.Perturbations;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.GradientModel;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.Test;

/**
 * The specialised linear-model kernel of FGSM/PGD against the general path ({@link
 * GradientModel#lossInputGradient} through BLAS, then {@code Perturbations}'s row-major steps): the reference is
 * BotSec's own general path, which {@link ArtGoldenTest} checks against IBM ART. Models: scikit-learn's golden
 * digits softmax model (10 classes, no standardiser), the same weights behind a standardiser, and binary (one
 * coefficient row) models with and without one. The two paths differ only in the summation order of the products,
 * so every gradient and every adversarial value must agree within 1e-12.
 */
class LinearKernelTest {
    static final Matrix X = DigitsGolden.testX();
    static final int[] Y = DigitsGolden.testY();

    /** The same model seen only through the {@link GradientModel} interface: takes the general path. */
    static GradientModel general(LinearModel m) {
        return new GradientModel() {
            @Override
            public Matrix lossInputGradient(Matrix x, int[] labels) {
                return m.lossInputGradient(x, labels);
            }

            @Override
            public Matrix predictProba(Matrix x) {
                return m.predictProba(x);
            }

            @Override
            public List<String> classNames() {
                return m.classNames();
            }

            @Override
            public int numFeatures() {
                return m.numFeatures();
            }

            @Override
            public List<String> featureNames() {
                return m.featureNames();
            }
        };
    }

    record Case(String name, LinearModel model, int[] labels) {
    }

    static List<Case> cases() {
        LinearModel golden = DigitsGolden.model();
        int d = golden.numFeatures();
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = 0.05 * (j % 7);
            scale[j] = 0.25 + 0.03 * j;
        }
        double[][] coef = new double[golden.coefRows()][];
        for (int c = 0; c < coef.length; c++) {
            coef[c] = golden.coef().row(c);
        }
        LinearModel scaled = LinearModel.of(coef, golden.intercept(), golden.classNames(), golden.featureNames(),
                mean, scale);
        SplittableRandom rng = new SplittableRandom(11);
        double[][] w1 = new double[1][d];
        for (int j = 0; j < d; j++) {
            w1[0][j] = rng.nextGaussian();
        }
        double[] b1 = {0.3};
        List<String> two = List.of("even", "odd");
        LinearModel binary = LinearModel.of(w1, b1, two, golden.featureNames());
        LinearModel binaryScaled = LinearModel.of(w1, b1, two, golden.featureNames(), mean, scale);
        int[] parity = new int[Y.length];
        for (int i = 0; i < Y.length; i++) {
            parity[i] = Y[i] % 2;
        }
        return List.of(new Case("golden softmax", golden, Y), new Case("softmax + standardiser", scaled, Y),
                new Case("binary", binary, parity), new Case("binary + standardiser", binaryScaled, parity));
    }

    @Test
    void gradientsEqualTheGeneralPath() {
        for (Case c : cases()) {
            double[] expected = c.model().lossInputGradient(X, c.labels()).data();
            LinearGradientKernel kernel = LinearGradientKernel.of(c.model(), X.rows()).orElseThrow();
            for (int repeat = 0; repeat < 2; repeat++) { // the second call reuses the buffers
                double[] got = kernel.inputGradient(X, c.labels());
                double maxAbs = 0;
                double maxDiff = 0;
                for (int k = 0; k < got.length; k++) {
                    maxAbs = Math.max(maxAbs, Math.abs(expected[k]));
                    maxDiff = Math.max(maxDiff, Math.abs(got[k] - expected[k]));
                }
                assertTrue(maxAbs > 0.1, c.name() + ": a gradient worth comparing");
                assertTrue(maxDiff <= 1e-12, c.name() + ": gradients differ by " + maxDiff);
            }
        }
        assertTrue(LinearGradientKernel.of(general(DigitsGolden.model()), X.rows()).isEmpty(),
                "other models: no kernel");
    }

    /**
     * The class-major softmax of the kernel (loops over examples, a branch-free argmax) on shapes whose loops end in
     * a remainder: n = 1, 3, 37, 359 digits rows, d = 61 of the 64 pixels, r = 3 and 10 classes, and a model with
     * two equal coefficient rows, so that scores tie and the argmax must be the first (Softmax's rule). Reference
     * 1: the model's own {@link LinearModel#lossInputGradient} (the general path), within 1e-12. Reference 2:
     * central finite differences of the model's loss −log p_y from {@link LinearModel#predictProba}, within 1e-6
     * of the largest gradient (h = 1e-6: the difference quotient's own error is ~1e-10).
     */
    @Test
    void gradientsOnRemainderShapesEqualTheModelAndFiniteDifferences() {
        LinearModel golden = DigitsGolden.model();
        int d = 61;
        int[] cols = new int[d];
        for (int j = 0; j < d; j++) {
            cols[j] = j + 2; // drops pixels 0, 1 and 63: d is odd, and not a multiple of 4
        }
        List<String> features = new ArrayList<>();
        for (int j : cols) {
            features.add(golden.featureNames().get(j));
        }
        Matrix w = golden.coef();
        double[] b = golden.intercept();
        double[][] coef10 = new double[10][d];
        for (int c = 0; c < 10; c++) {
            for (int j = 0; j < d; j++) {
                coef10[c][j] = w.get(c, cols[j]);
            }
        }
        double[][] coef3 = {coef10[0], coef10[1], coef10[7]};
        double[][] tied = {coef10[3], coef10[5], coef10[3].clone()}; // classes 0 and 2 always score the same
        List<LinearModel> models = List.of(
                LinearModel.of(coef10, b, golden.classNames(), features),
                LinearModel.of(coef3, new double[] {b[0], b[1], b[7]}, List.of("0", "1", "7"), features),
                LinearModel.of(tied, new double[] {b[3], b[5], b[3]}, List.of("3", "5", "3 again"), features));
        for (int n : new int[] {1, 3, 37, 359}) {
            Matrix x = new Matrix(n, d);
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = X.rows() - 1 - i; // from the end: rows the golden tests use least
                for (int j = 0; j < d; j++) {
                    x.set(i, j, X.get(rows[i], cols[j]));
                }
            }
            for (LinearModel m : models) {
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = Y[rows[i]] % m.numClasses();
                }
                String what = "n " + n + ", " + m.numClasses() + " classes";
                double[] expected = m.lossInputGradient(x, labels).data();
                double[] got = LinearGradientKernel.of(m, n).orElseThrow().inputGradient(x, labels);
                double maxAbs = 0;
                for (int k = 0; k < got.length; k++) {
                    assertEquals(expected[k], got[k], 1e-12, what + ", value " + k);
                    maxAbs = Math.max(maxAbs, Math.abs(got[k]));
                }
                assertTrue(maxAbs > 0.05, what + ": a gradient worth comparing");
                double h = 1e-6;
                for (int i = 0; i < n; i += Math.max(1, n / 5)) {
                    for (int j = 0; j < d; j += 7) {
                        double keep = x.get(i, j);
                        x.set(i, j, keep + h);
                        double up = loss(m, x, i, labels[i]);
                        x.set(i, j, keep - h);
                        double down = loss(m, x, i, labels[i]);
                        x.set(i, j, keep);
                        assertEquals((up - down) / (2 * h), got[i * d + j], 1e-6 * maxAbs,
                                what + " row " + i + " col " + j);
                    }
                }
            }
        }
    }

    private static double loss(LinearModel m, Matrix x, int i, int label) {
        Matrix row = new Matrix(1, x.cols(), x.row(i));
        return -Math.log(m.predictProba(row).get(0, label));
    }

    /**
     * FGSM under L∞ on a linear model checks its input's range inside its step (a NaN marks a value outside; no
     * separate pass): every kind of bad value, at the first, a middle and the last position (the loop's vector body
     * and its remainder), must be rejected by {@link GradientAttack#generate} itself with {@link ValueRange}'s own
     * message, and values on the bounds (0, −0, 1) must be accepted, giving the general path's result.
     */
    @Test
    void fgsmRejectsEveryValueOutsideTheRangeWhereverItIs() {
        LinearModel model = DigitsGolden.model();
        GradientAttack unit = GradientAttack.fgsm().norm(Norm.LINF).epsilon(0.1).build();
        GradientAttack unbounded = GradientAttack.fgsm().norm(Norm.LINF).epsilon(0.1)
                .valueRange(ValueRange.UNBOUNDED).build();
        int n = X.rows();
        int d = X.cols();
        int[][] places = {{0, 0}, {n / 2, 37}, {n - 1, d - 2}, {n - 1, d - 1}};
        double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Math.nextUp(1.0),
                -Double.MIN_VALUE, -1e-300, 2.0};
        for (int[] at : places) {
            for (double v : bad) {
                Matrix x = X.copy();
                x.set(at[0], at[1], v);
                String expected = assertThrows(BadInputException.class, () -> ValueRange.UNIT.check(x, "input"))
                        .getMessage();
                String msg = assertThrows(BadInputException.class, () -> unit.generate(model, x, Y),
                        "value " + v + " at " + at[0] + "," + at[1]).getMessage();
                assertEquals(expected, msg);
                if (!Double.isFinite(v)) {
                    assertThrows(BadInputException.class, () -> unbounded.generate(model, x, Y), "unbounded " + v);
                }
            }
        }
        Matrix edges = X.copy();
        edges.set(0, 0, -0.0);
        edges.set(n - 1, d - 1, 1.0);
        edges.set(n / 2, 5, 0.0);
        assertArrayEquals(unit.generate(general(model), edges, Y).data(), unit.generate(model, edges, Y).data());
        assertFalse(Perturbations.hasNaN(unit.generate(model, edges, Y).data()));
        assertTrue(Perturbations.hasNaN(new double[] {0, 1, Double.NaN, 2, 3}));
    }

    /** The branch-free sign step against α·sign(g) written plainly, on the values where a trick could slip. */
    @Test
    void linfStepIsAlphaTimesSign() {
        double[] g = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-300, -3.5, 7.0, Double.MAX_VALUE,
                Double.NEGATIVE_INFINITY, 0x1p-1074 * 3};
        double[] x = new double[g.length];
        java.util.Arrays.fill(x, 0.5);
        double[] x0 = x.clone();
        org.botsec.attack.evasion.internal.Perturbations.linfStepProject(x, x0, g, 0.01, 0, 1, 0.1);
        for (int k = 0; k < g.length; k++) {
            double expected = 0.5 + (g[k] > 0 ? 0.01 : g[k] < 0 ? -0.01 : 0.0);
            assertEquals(expected, x[k], 0.0, "g = " + g[k]);
        }
    }

    @Test
    void attacksEqualTheGeneralPath() {
        List<GradientAttack> attacks = new ArrayList<>();
        attacks.add(GradientAttack.fgsm().norm(Norm.LINF).epsilon(0.1).build());
        attacks.add(GradientAttack.fgsm().norm(Norm.L2).epsilon(1.0).build());
        attacks.add(GradientAttack.pgd().norm(Norm.LINF).epsilon(0.1).stepSize(0.01).steps(40).build());
        attacks.add(GradientAttack.pgd().norm(Norm.L2).epsilon(1.0).stepSize(0.1).steps(40).build());
        attacks.add(GradientAttack.pgd().norm(Norm.L2).epsilon(0.5).stepSize(0.2).steps(10).randomStarts(2).seed(5)
                .targets(Targets.PREDICTED).build());
        attacks.add(GradientAttack.pgd().norm(Norm.LINF).epsilon(0.3).stepSize(0.05).steps(10).randomStarts(2)
                .seed(6).valueRange(ValueRange.UNBOUNDED).build());
        for (Case c : cases()) {
            for (GradientAttack a : attacks) {
                String what = c.name() + ", " + a.settings();
                double[] fast = a.generate(c.model(), X, c.labels()).data();
                double[] slow = a.generate(general(c.model()), X, c.labels()).data();
                int same = 0;
                double maxDiff = 0;
                for (int k = 0; k < fast.length; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(fast[k] - slow[k]));
                    same += fast[k] == slow[k] ? 1 : 0;
                }
                assertTrue(maxDiff <= 1e-12, what + ": adversarial inputs differ by " + maxDiff);
                EvasionResult rf = a.run(c.model(), X, c.labels());
                EvasionResult rs = a.run(general(c.model()), X, c.labels());
                assertArrayEquals(rs.adversarialPredictions(), rf.adversarialPredictions(), what);
                assertEquals(rs.metrics().meanL2(), rf.metrics().meanL2(), 1e-12, what);
                System.out.printf("%s: %d of %d values bit-identical, max difference %.2e%n", what, same,
                        fast.length, maxDiff);
            }
        }
    }
}
