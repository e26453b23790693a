package org.botsec.attack.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.botsec.attack.inference.MembershipScores;
import org.botsec.attack.inference.metrics.ClopperPearson;
import org.junit.jupiter.api.Test;

/**
 * References: the closed form of the Jagielski et al. (2020) bound at perfect separation (both error counts 0, so
 * both Clopper–Pearson upper ends are 1 − (α'/2)^(1/n)); and the null case — identical score distributions mean
 * true ε = 0, so a positive bound may appear in at most about 5% of runs.
 */
class EpsilonLowerBoundTest {

    @Test
    void perfectSeparationMatchesClosedForm() {
        // 60 + 60 distinct scores, at most 128 thresholds: every distinct score is tried, the smallest member's too.
        double[] mem = new double[60];
        double[] non = new double[60];
        for (int i = 0; i < 60; i++) {
            mem[i] = 10 + i;
            non[i] = -10 - i;
        }
        EpsilonLowerBound b = EpsilonLowerBound.fromScores(new MembershipScores(mem, non), 0, 0.95, 128);
        assertEquals(120, b.thresholdsTried());
        double perThreshold = 1 - 0.05 / 120;
        double hi = ClopperPearson.interval(0, 60, perThreshold).upper();
        assertEquals(1 - Math.pow(0.05 / 120 / 2, 1.0 / 60), hi, 1e-12);
        assertEquals(Math.log((1 - hi) / hi), b.epsilon(), 1e-9);
        assertEquals(0, b.falsePositives());
        assertEquals(0, b.falseNegatives());
    }

    @Test
    void identicalDistributionsRarelyGiveAPositiveBound() {
        SplittableRandom rng = new SplittableRandom(1);
        int positive = 0;
        double largest = 0;
        for (int run = 0; run < 40; run++) {
            double[] mem = new double[300];
            double[] non = new double[300];
            for (int i = 0; i < 300; i++) {
                mem[i] = rng.nextGaussian();
                non[i] = rng.nextGaussian();
            }
            double e = EpsilonLowerBound.fromScores(new MembershipScores(mem, non), 1e-5, 0.95, 64).epsilon();
            positive += e > 0 ? 1 : 0;
            largest = Math.max(largest, e);
        }
        assertTrue(positive <= 4, "positive bounds in " + positive + " of 40 null runs (largest " + largest + ")");
    }

    @Test
    void deltaShrinksTheBound() {
        double[] mem = {5, 6, 7, 8, 9, 10, 11, 12};
        double[] non = {1, 2, 3, 4, 5.5, 0, -1, -2};
        double e0 = EpsilonLowerBound.fromScores(new MembershipScores(mem, non), 0, 0.95, 64).epsilon();
        double e1 = EpsilonLowerBound.fromScores(new MembershipScores(mem, non), 0.05, 0.95, 64).epsilon();
        assertTrue(e1 <= e0, e0 + " vs " + e1);
    }

    @Test
    void rejectsBadArguments() {
        MembershipScores s = new MembershipScores(new double[] {1}, new double[] {0});
        assertThrows(IllegalArgumentException.class, () -> EpsilonLowerBound.fromScores(s, 1, 0.95, 64));
        assertThrows(IllegalArgumentException.class, () -> EpsilonLowerBound.fromScores(s, 0, 1, 64));
        assertThrows(IllegalArgumentException.class, () -> EpsilonLowerBound.fromScores(s, 0, 0.95, 0));
    }
}
