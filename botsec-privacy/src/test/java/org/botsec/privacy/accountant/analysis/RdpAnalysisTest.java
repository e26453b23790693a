package org.botsec.privacy.accountant.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.botsec.privacy.accountant.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RDP of the Poisson-subsampled Gaussian against golden values from google/differential-privacy dp_accounting
 * 0.6.0 (commit b5b0286e313b), RdpAccountant with default orders and the improved RDP→(ε, δ) conversion.
 */
class RdpAnalysisTest {
    static final double[] ORDERS = RdpAnalysis.defaultOrders();

    @Test
    void defaultOrdersAreDpAccountingsList() {
        assertEquals(99 + 53 + 4, ORDERS.length);
        assertEquals(1.1, ORDERS[0]);
        assertEquals(10.9, ORDERS[98]);
        assertEquals(11.0, ORDERS[99]);
        assertEquals(63.0, ORDERS[151]);
        assertEquals(1024.0, ORDERS[155]);
    }
    static Stream<Map<String, String>> goldenRows() {
        return Golden.rows("dp_epsilon.csv").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenRows")
    void epsilonMatchesDpAccountingWithinPointOnePercent(Map<String, String> row) {
        double q = Golden.d(row, "batch_size") / Golden.d(row, "n");
        double sigma = Golden.d(row, "noise_multiplier");
        long steps = Long.parseLong(row.get("steps"));
        double delta = Golden.d(row, "delta");
        double[] rdp = RdpAnalysis.rdpPoissonSubsampledGaussian(q, sigma, ORDERS);
        RdpAnalysis.EpsilonAtOrder e = RdpAnalysis.epsilon(ORDERS, rdp, steps, delta);
        double expected = Golden.d(row, "eps_rdp");
        assertEquals(expected, e.epsilon(), 1e-3 * expected, row.get("label"));
        assertEquals(Golden.d(row, "rdp_opt_order"), e.order(), 1e-9, row.get("label") + " optimal order");
    }

    @Test
    void fullSamplingIsTheGaussianMechanism() {
        // q = 1: RDP(α) = α / (2σ²) exactly (Mironov 2017, Prop. 7)
        double[] rdp = RdpAnalysis.rdpPoissonSubsampledGaussian(1.0, 2.0, new double[] {1.5, 2, 32});
        assertEquals(1.5 / 8, rdp[0], 1e-15);
        assertEquals(2.0 / 8, rdp[1], 1e-15);
        assertEquals(32.0 / 8, rdp[2], 1e-15);
    }

    @Test
    void integerOrderTwoHasClosedForm() {
        // A_2 = (1-q)² + 2q(1-q) + q² e^(1/σ²) = 1 + q²(e^(1/σ²) - 1)
        double q = 0.01;
        double sigma = 1.3;
        double[] rdp = RdpAnalysis.rdpPoissonSubsampledGaussian(q, sigma, new double[] {2});
        assertEquals(Math.log1p(q * q * Math.expm1(1 / (sigma * sigma))), rdp[0], 1e-15);
    }

    @Test
    void fractionalOrdersLieBetweenNeighbouringIntegerOrders() {
        // RDP is non-decreasing in α; the fractional series (different code path) must respect that.
        double[] orders = {3, 3.5, 4};
        double[] rdp = RdpAnalysis.rdpPoissonSubsampledGaussian(0.02, 0.9, orders);
        assertTrue(rdp[0] <= rdp[1] && rdp[1] <= rdp[2], java.util.Arrays.toString(rdp));
    }

    @Test
    void noNoiseMeansNoPrivacy() {
        double[] rdp = RdpAnalysis.rdpPoissonSubsampledGaussian(0.01, 0.0, ORDERS);
        assertEquals(Double.POSITIVE_INFINITY,
                RdpAnalysis.epsilon(ORDERS, rdp, 1e-5).epsilon());
    }

    @Test
    void negativeRdpFailsClosedInsteadOfClaimingEpsilonZero() {
        // a Rényi divergence is never negative: the old code turned such a value into epsilon = 0
        double[] orders = {2, 8, 32};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RdpAnalysis.epsilon(orders, new double[] {0.5, -1e-3, 2.0}, 1e-5));
        assertTrue(e.getMessage().contains("order 8.0") && e.getMessage().contains("-0.001")
                && e.getMessage().contains("1.0E-5"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RdpAnalysis.epsilon(orders, new double[] {0.5, Double.NaN, 2.0}, 1e-5));
    }

    @Test
    void everyGoldenCurveNegatedFailsRatherThanReportingZero() {
        // the mutation that survived before: a sign error in the composition made every golden row report 0
        for (Map<String, String> row : Golden.rows("dp_epsilon.csv")) {
            double[] rdp = RdpAnalysis.rdpPoissonSubsampledGaussian(
                    Golden.d(row, "batch_size") / Golden.d(row, "n"), Golden.d(row, "noise_multiplier"), ORDERS);
            for (int k = 0; k < rdp.length; k++) {
                rdp[k] = -rdp[k];
            }
            assertThrows(IllegalArgumentException.class,
                    () -> RdpAnalysis.epsilon(ORDERS, rdp, Long.parseLong(row.get("steps")), Golden.d(row, "delta")),
                    row.get("label"));
        }
    }

    @Test
    void aGridWithoutAUsableOrderCannotGiveABound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RdpAnalysis.epsilon(new double[] {1.0, 1.005}, new double[] {0.5, 0.6}, 1e-5));
        assertTrue(e.getMessage().contains("1.01"), e.getMessage());
    }

    @Test
    void epsilonZeroOnlyWhenABoundProvesIt() {
        // KL bound: delta >= sqrt(1 - exp(-rdp)) at every order -> (0, delta)-DP is proven
        double tiny = 1e-12;
        assertEquals(0.0, RdpAnalysis.epsilon(new double[] {2, 4}, new double[] {tiny, tiny}, 1e-5).epsilon());
        // rdp = 0 at every order: the mechanism reveals nothing; epsilon 0 is a claim backed by the bound
        assertEquals(0.0, RdpAnalysis.epsilon(new double[] {2}, new double[] {0.0}, 1e-5).epsilon());
    }
}
