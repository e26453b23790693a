package org.botsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.Test;

/** Properties of PGD with random starts and of the settings' validation (golden-model digits case). */
class GradientAttackTest {
    static final LinearModel MODEL = DigitsGolden.model();
    static final Matrix X = DigitsGolden.testX();
    static final int[] Y = DigitsGolden.testY();

    @Test
    void randomStartsStayInBallAndRangeAndReplay() {
        for (Norm norm : Norm.values()) {
            double eps = norm == Norm.LINF ? 0.1 : 1.0;
            GradientAttack a = GradientAttack.pgd().norm(norm).epsilon(eps).steps(10).stepSize(eps / 4)
                    .randomStarts(3).seed(7).build();
            EvasionResult r = a.run(MODEL, X, Y);
            Matrix adv = r.adversarial();
            for (int i = 0; i < X.rows(); i++) {
                double s = 0;
                for (int j = 0; j < X.cols(); j++) {
                    double v = adv.get(i, j);
                    assertTrue(v >= 0 && v <= 1, "in range");
                    double dlt = v - X.get(i, j);
                    s += dlt * dlt;
                    if (norm == Norm.LINF) {
                        assertTrue(Math.abs(dlt) <= eps + 1e-12, "linf ball");
                    }
                }
                if (norm == Norm.L2) {
                    assertTrue(Math.sqrt(s) <= eps + 1e-9, "l2 ball " + Math.sqrt(s));
                }
            }
            assertEquals(7L, r.seed().getAsLong());
            EvasionResult again = a.run(MODEL, X, Y);
            assertArrayEquals(adv.data(), again.adversarial().data(), 0.0, "same seed, same result");
        }
    }

    @Test
    void moreRestartsKeepEveryFlipOfTheFirst() {
        // restart 1 of both runs draws the same numbers (same seed), and each row keeps its best restart, so the
        // 5-restart run flips every row the 1-restart run flips
        GradientAttack one = GradientAttack.pgd().epsilon(0.08).steps(5).stepSize(0.02).randomStarts(1).seed(3)
                .build();
        GradientAttack five = GradientAttack.pgd().epsilon(0.08).steps(5).stepSize(0.02).randomStarts(5).seed(3)
                .build();
        EvasionResult r1 = one.run(MODEL, X, Y);
        EvasionResult r5 = five.run(MODEL, X, Y);
        int[] p1 = r1.adversarialPredictions();
        int[] p5 = r5.adversarialPredictions();
        for (int i = 0; i < Y.length; i++) {
            if (p1[i] != Y[i]) {
                assertTrue(p5[i] != Y[i], "row " + i + " flipped with 1 restart but not with 5");
            }
        }
        assertTrue(r5.metrics().robustAccuracy() <= r1.metrics().robustAccuracy());
        assertEquals(25.0, r5.metrics().meanQueries());
    }

    @Test
    void zeroEpsilonChangesNothing() {
        EvasionResult r = GradientAttack.pgd().epsilon(0).steps(3).build().run(MODEL, X, Y);
        assertEquals(r.metrics().cleanAccuracy(), r.metrics().robustAccuracy());
        assertEquals(0.0, r.metrics().maxLinf());
    }

    @Test
    void badSettingsAreRejectedWithTheValue() {
        assertTrue(assertThrows(BadInputException.class, () -> GradientAttack.fgsm().epsilon(-0.1).build())
                .getMessage().contains("-0.1"));
        assertTrue(assertThrows(BadInputException.class, () -> GradientAttack.pgd().epsilon(0.1).steps(0).build())
                .getMessage().contains("got 0"));
        assertThrows(BadInputException.class, () -> GradientAttack.pgd().epsilon(0.1).stepSize(-1).build());
        assertThrows(BadInputException.class, () -> GradientAttack.pgd().epsilon(0.1).randomStarts(-1).build());
        assertThrows(IllegalStateException.class, () -> GradientAttack.pgd().epsilon(0.1).epsilon(0.2));
        Matrix out = X.copy();
        out.set(4, 10, 1.5);
        String msg = assertThrows(BadInputException.class,
                () -> GradientAttack.fgsm().epsilon(0.1).build().run(MODEL, out, Y)).getMessage();
        assertTrue(msg.contains("row 4 feature 10") && msg.contains("1.5"), msg);
    }

    @Test
    void whiteBoxOnAModelWithoutGradientsNamesTheBlackBoxMethods() {
        Classifier blackBox = new Classifier() {
            public Matrix predictProba(Matrix x) {
                return MODEL.predictProba(x);
            }

            public List<String> classNames() {
                return MODEL.classNames();
            }

            public int numFeatures() {
                return MODEL.numFeatures();
            }

            public List<String> featureNames() {
                return MODEL.featureNames();
            }
        };
        String msg = assertThrows(BadInputException.class,
                () -> EvasionMethod.PGD.requireGradients(blackBox, "api")).getMessage();
        assertTrue(msg.contains("square, hopskipjump") && msg.contains("pgd"), msg);
        assertEquals(MODEL, EvasionMethod.FGSM.requireGradients(MODEL, "m"));
    }

    @Test
    void fewPixelFlipsWithinItsBudget() {
        EvasionResult r = new FewPixelAttack(10, ValueRange.UNIT, Targets.TRUE).run(MODEL, X, Y);
        Matrix adv = r.adversarial();
        int[] pred = r.adversarialPredictions();
        int[] clean = r.cleanPredictions();
        int flipped = 0;
        for (int i = 0; i < Y.length; i++) {
            int l0 = 0;
            for (int j = 0; j < X.cols(); j++) {
                if (adv.get(i, j) != X.get(i, j)) {
                    l0++;
                    assertTrue(adv.get(i, j) == 0.0 || adv.get(i, j) == 1.0, "changed pixels go to an extreme");
                }
            }
            assertTrue(l0 <= 10, "row " + i + " changed " + l0);
            if (clean[i] == Y[i] && pred[i] != Y[i]) {
                flipped++;
            }
        }
        assertEquals(flipped, r.metrics().flipped());
        // a larger budget flips at least as many rows: the greedy path is the same, only longer
        EvasionResult r20 = new FewPixelAttack(20, ValueRange.UNIT, Targets.TRUE).run(MODEL, X, Y);
        assertTrue(r20.metrics().flipped() >= r.metrics().flipped());
        assertTrue(r.metrics().successRate() > 0.3, "10 pixels flip many digits: " + r.metrics().successRate());
        System.out.printf("few-pixel: budget 10 flips %.3f (mean %.2f pixels), budget 20 flips %.3f%n",
                r.metrics().successRate(), r.metrics().meanL0Flipped(), r20.metrics().successRate());
    }
}
