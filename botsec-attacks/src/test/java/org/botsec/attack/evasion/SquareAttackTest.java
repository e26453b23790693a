package org.botsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.Test;

/**
 * Square Attack (black box) on the golden digits model: within the budget and range, queries capped, replayable,
 * and its success close to white-box PGD's (ART's PGD-40 L∞ 0.1 flips 120 of 347 rows, attack_digits_art.json) —
 * a black-box attack cannot beat a linear model's exact gradient by much, and a working one comes near it.
 */
class SquareAttackTest {
    static final LinearModel MODEL = DigitsGolden.model();
    static final Matrix X = DigitsGolden.testX();
    static final int[] Y = DigitsGolden.testY();

    @Test
    void nearWhiteBoxSuccessWithinBudgetAndCap() {
        SquareAttack a = new SquareAttack(0.1, 1000, 0.8, ValueRange.UNIT, Targets.TRUE, 5);
        EvasionResult r = a.run(MODEL, X, Y);
        Matrix adv = r.adversarial();
        for (int i = 0; i < X.rows(); i++) {
            for (int j = 0; j < X.cols(); j++) {
                assertTrue(Math.abs(adv.get(i, j) - X.get(i, j)) <= 0.1 + 1e-12);
                assertTrue(adv.get(i, j) >= 0 && adv.get(i, j) <= 1);
            }
        }
        assertTrue(r.metrics().maxQueries() <= 1000);
        double pgd = 120.0 / 347;
        System.out.printf("square: success %.3f (PGD-40 white box %.3f), mean queries %.1f%n",
                r.metrics().successRate(), pgd, r.metrics().meanQueries());
        assertTrue(r.metrics().successRate() >= 0.8 * pgd, "success " + r.metrics().successRate());
        assertTrue(r.metrics().successRate() <= pgd + 0.03, "cannot beat the optimum by much");
        assertArrayEquals(adv.data(), a.run(MODEL, X, Y).adversarial().data(), 0.0, "replay");
        assertEquals(5L, r.seed().getAsLong());
        EvasionResult few = new SquareAttack(0.1, 3, 0.8, ValueRange.UNIT, Targets.TRUE, 5).run(MODEL, X, Y);
        assertEquals(3.0, few.metrics().maxQueries());
    }

    /**
     * Under L2 (Algorithm 3): every adversarial row within ‖δ‖₂ ≤ ε and the range, queries capped, replayable, and
     * success near white-box PGD-40 L2 ε = 1 (ART flips 338 of 347 correct rows, attack_digits_art.json).
     */
    @Test
    void l2StaysInTheBallAndComesNearWhiteBox() {
        SquareAttack a = new SquareAttack(Norm.L2, 1.0, 1000, 0.8, ValueRange.UNIT, Targets.TRUE, 5);
        EvasionResult r = a.run(MODEL, X, Y);
        Matrix adv = r.adversarial();
        for (int i = 0; i < X.rows(); i++) {
            double s = 0;
            for (int j = 0; j < X.cols(); j++) {
                double dlt = adv.get(i, j) - X.get(i, j);
                s += dlt * dlt;
                assertTrue(adv.get(i, j) >= 0 && adv.get(i, j) <= 1);
            }
            assertTrue(Math.sqrt(s) <= 1.0 + 1e-9, "row " + i + " L2 " + Math.sqrt(s));
        }
        double pgd = 338.0 / 347;
        System.out.printf("square L2: success %.3f (PGD-40 L2 white box %.3f), mean queries %.1f, mean L2 %.3f%n",
                r.metrics().successRate(), pgd, r.metrics().meanQueries(), r.metrics().meanL2());
        assertTrue(r.metrics().maxQueries() <= 1000);
        assertTrue(r.metrics().successRate() >= 0.8 * pgd, "success " + r.metrics().successRate());
        assertEquals("l2", r.settings().get("norm"));
        assertArrayEquals(adv.data(), a.run(MODEL, X, Y).adversarial().data(), 0.0, "replay");
        EvasionResult few = new SquareAttack(Norm.L2, 1.0, 7, 0.8, ValueRange.UNIT, Targets.TRUE, 5).run(MODEL, X, Y);
        assertEquals(7.0, few.metrics().maxQueries());
    }

    /** The meta-pattern: unit norm, upper half positive and lower half its negative, largest at each centre. */
    @Test
    void metaPatternShape() {
        double[] eta = SquareAttack.metaPattern(6, 6);
        double s = 0;
        for (int j = 0; j < 36; j++) {
            s += eta[j] * eta[j];
            assertEquals(eta[j], -eta[j < 18 ? j + 18 : j - 18], 1e-15);
        }
        assertEquals(1.0, s, 1e-12);
        assertTrue(eta[1 * 6 + 3] > eta[0]); // centre of the upper half above its corner
        assertTrue(eta[1 * 6 + 3] > 0 && eta[4 * 6 + 3] < 0);
    }

    @Test
    void zeroQueryBudgetIsRejected() {
        assertTrue(assertThrows(BadInputException.class,
                () -> new SquareAttack(0.1, 0, 0.8, ValueRange.UNIT, Targets.TRUE, 1)).getMessage()
                .contains("query budget must be >= 1, got 0"));
    }
}
