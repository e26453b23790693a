package org.botsec.privacy.accountant.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.botsec.privacy.accountant.Golden;
import org.botsec.privacy.internal.SpecialFunctions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PLD accounting against golden values from google/differential-privacy dp_accounting 0.6.0 (commit
 * b5b0286e313b), PLDAccountant (value discretization 1e-4, pessimistic, connect-the-dots), and against the
 * closed form of the Gaussian mechanism (Balle and Wang 2018, Theorem 8).
 */
class PrivacyLossDistributionTest {
    static Stream<Map<String, String>> goldenRows() {
        return Golden.rows("dp_epsilon.csv").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenRows")
    void epsilonMatchesDpAccountingWithinOnePercent(Map<String, String> row) {
        double q = Golden.d(row, "batch_size") / Golden.d(row, "n");
        double sigma = Golden.d(row, "noise_multiplier");
        long steps = Long.parseLong(row.get("steps"));
        double delta = Golden.d(row, "delta");
        double eps = PrivacyLossDistribution.poissonSubsampledGaussian(sigma, q, 1e-4).selfCompose(steps).epsilon(delta);
        double expected = Golden.d(row, "eps_pld");
        assertEquals(expected, eps, 1e-2 * expected, row.get("label"));
    }

    @Test
    void gaussianMechanismMatchesAnalyticDelta() {
        // Without subsampling, T compositions of N(0, σ²) with sensitivity 1 are one Gaussian mechanism with
        // σ/√T, whose exact δ(ε) = Φ(-εσ' + 1/(2σ')) - e^ε Φ(-εσ' - 1/(2σ')) (Balle and Wang 2018).
        double sigma = 4.0;
        int steps = 16;
        double eps = 1.0;
        double s = sigma / Math.sqrt(steps);
        double exact = SpecialFunctions.normalCdf(-eps * s + 1 / (2 * s))
                - Math.exp(eps) * SpecialFunctions.normalCdf(-eps * s - 1 / (2 * s));
        double pld = PrivacyLossDistribution.poissonSubsampledGaussian(sigma, 1.0, 1e-4).selfCompose(steps).delta(eps);
        assertTrue(pld >= exact * (1 - 1e-9), "pessimistic: " + pld + " >= " + exact);
        assertEquals(exact, pld, 1e-3 * exact);
    }
}
