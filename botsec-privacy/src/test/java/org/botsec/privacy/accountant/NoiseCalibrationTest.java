package org.botsec.privacy.accountant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Noise calibration against dp_noise_calibration.csv, produced by google/differential-privacy dp_accounting
 * 0.6.0 (commit b5b0286e313b): the smallest σ whose RdpAccountant ε meets the target.
 */
class NoiseCalibrationTest {
    static Stream<Map<String, String>> goldenRows() {
        return Golden.rows("dp_noise_calibration.csv").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenRows")
    void rdpNoiseMultiplierMatchesDpAccountingWithinHalfAPercent(Map<String, String> row) {
        double q = Golden.d(row, "sample_rate");
        long steps = Long.parseLong(row.get("steps"));
        double target = Golden.d(row, "target_eps");
        NoiseCalibration.Result r = NoiseCalibration.calibrate(target, Golden.d(row, "delta"), q, steps,
                AccountantType.RDP);
        double expected = Golden.d(row, "sigma_dpa_rdp");
        assertEquals(expected, r.noiseMultiplier(), 5e-3 * expected, row.get("label") + " eps " + target);
        assertTrue(r.spent().epsilon() <= target, "calibrated sigma must meet the target");
    }

    @Test
    void pldNoiseMultiplierMatchesDpAccountingWithinOnePercent() {
        // one row (PLD evaluations take ~0.1 s each): cifar10_b4096_875steps, target 3.0 → σ 3.48919
        double sigma = NoiseCalibration.noiseMultiplier(3.0, 1e-5, 0.08192, 875, AccountantType.PLD);
        assertEquals(3.48919, sigma, 1e-2 * 3.48919);
    }

    @Test
    void rejectsBadArguments() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> NoiseCalibration.noiseMultiplier(-1, 1e-5, 0.01, 100, AccountantType.RDP));
        assertEquals("target epsilon must be > 0 and finite, got -1.0", e.getMessage());
        e = assertThrows(BadInputException.class,
                () -> NoiseCalibration.noiseMultiplier(1, 1.5, 0.01, 100, AccountantType.RDP));
        assertEquals("delta must be in (0, 1), got 1.5", e.getMessage());
        e = assertThrows(BadInputException.class,
                () -> NoiseCalibration.noiseMultiplier(1, 1e-5, 0.01, 0, AccountantType.RDP));
        assertEquals("steps must be > 0, got 0", e.getMessage());
    }

    @Test
    void unreachableTargetSaysSo() {
        // with δ = 1e-5 the RDP conversion cannot certify ε below ~3e-3 at any σ ≤ 1e6 for a million full-batch steps
        BadInputException e = assertThrows(BadInputException.class,
                () -> NoiseCalibration.noiseMultiplier(1e-4, 1e-5, 1.0, 1_000_000, AccountantType.RDP));
        assertTrue(e.getMessage().startsWith("target epsilon 1.0E-4 cannot be reached"), e.getMessage());
    }
}
