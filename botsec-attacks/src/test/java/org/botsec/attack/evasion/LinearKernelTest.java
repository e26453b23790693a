package org.botsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.attack.evasion.internal.LinearGradientKernel;
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
