package org.botsec.privacy.accountant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stateful accountants against dp_epsilon.csv (google/differential-privacy dp_accounting 0.6.0, commit
 * b5b0286e313b) and against their own invariants.
 */
class PrivacyAccountantTest {
    static Stream<Map<String, String>> goldenRows() {
        return Golden.rows("dp_epsilon.csv").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenRows")
    void rdpAccountantSplitHistoryMatchesGolden(Map<String, String> row) {
        double q = Golden.d(row, "batch_size") / Golden.d(row, "n");
        double sigma = Golden.d(row, "noise_multiplier");
        long steps = Long.parseLong(row.get("steps"));
        PrivacyAccountant acc = PrivacyAccountant.create(AccountantType.RDP);
        // the same history recorded in pieces must give the same ε
        acc.step(sigma, q, steps / 3);
        acc.step(sigma, q, steps - steps / 3);
        PrivacySpent spent = acc.getPrivacySpent(Golden.d(row, "delta"));
        double expected = Golden.d(row, "eps_rdp");
        assertEquals(expected, spent.epsilon(), 1e-3 * expected, row.get("label"));
        assertEquals(Golden.d(row, "rdp_opt_order"), spent.optimalOrder().orElseThrow(), 1e-9);
        assertEquals(steps, spent.steps());
        assertEquals(1, acc.history().size(), "identical consecutive steps are merged");
    }

    @Test
    void pldAccountantComposesDifferentSteps() {
        // tfp_mnist rows: 1 epoch then 59 more epochs with the same σ equals 60 epochs (2.38178, golden)
        PrivacyAccountant acc = PrivacyAccountant.create(AccountantType.PLD);
        acc.step(1.1, 256.0 / 60000, 235);
        acc.step(1.1 + 1e-12, 256.0 / 60000, 14063 - 235); // a distinct history entry, composed by convolution
        assertEquals(2, acc.history().size());
        assertEquals(2.38178, acc.getEpsilon(1e-5), 1e-2 * 2.38178);
    }

    @Test
    void epsilonGrowsWithStepsAndPldIsTighter() {
        double previous = 0;
        for (long t : new long[] {10, 100, 1000, 10000}) {
            double rdp = PrivacyAccountant.epsilon(AccountantType.RDP, 1.0, 0.01, t, 1e-5).epsilon();
            assertTrue(rdp > previous, "ε must grow with steps");
            previous = rdp;
        }
        double rdp = PrivacyAccountant.epsilon(AccountantType.RDP, 1.0, 0.01, 1000, 1e-5).epsilon();
        double pld = PrivacyAccountant.epsilon(AccountantType.PLD, 1.0, 0.01, 1000, 1e-5).epsilon();
        assertTrue(pld < rdp, "PLD " + pld + " should be tighter than RDP " + rdp);
    }

    @Test
    void maxStepsStopsJustBeforeTheBudget() {
        long t = PrivacyAccountant.maxSteps(AccountantType.RDP, 1.1, 256.0 / 60000, 1e-5, 2.0, 1_000_000);
        assertTrue(PrivacyAccountant.epsilon(AccountantType.RDP, 1.1, 256.0 / 60000, t, 1e-5).epsilon() <= 2.0);
        assertTrue(PrivacyAccountant.epsilon(AccountantType.RDP, 1.1, 256.0 / 60000, t + 1, 1e-5).epsilon() > 2.0);
        long tr = PrivacyAccountant.maxSteps(AccountantType.RDP, 3.0, 0.05, 1e-5, 1.0, 1_000_000);
        long tp = PrivacyAccountant.maxSteps(AccountantType.PLD, 3.0, 0.05, 1e-5, 1.0, 1_000_000);
        assertTrue(tp > tr, "PLD allows more steps than RDP: " + tp + " vs " + tr);
        assertTrue(PrivacyAccountant.epsilon(AccountantType.PLD, 3.0, 0.05, tp, 1e-5).epsilon() <= 1.0);
        assertTrue(PrivacyAccountant.epsilon(AccountantType.PLD, 3.0, 0.05, tp + 1, 1e-5).epsilon() > 1.0);
    }

    @Test
    void noNoiseIsInfiniteEpsilonAndNoStepsIsZero() {
        for (AccountantType type : AccountantType.values()) {
            PrivacyAccountant acc = PrivacyAccountant.create(type);
            assertEquals(0.0, acc.getEpsilon(1e-5));
            acc.step(0.0, 0.01, 10);
            assertEquals(Double.POSITIVE_INFINITY, acc.getEpsilon(1e-5), type.name());
        }
    }

    @Test
    void validatesArguments() {
        PrivacyAccountant acc = PrivacyAccountant.create(AccountantType.RDP);
        assertEquals("noiseMultiplier must be >= 0 and finite, got NaN",
                assertThrows(BadInputException.class, () -> acc.step(Double.NaN, 0.1, 1)).getMessage());
        assertEquals("sampleRate must be in [0, 1], got 1.5",
                assertThrows(BadInputException.class, () -> acc.step(1, 1.5, 1)).getMessage());
        assertEquals("steps must be >= 0, got -1",
                assertThrows(BadInputException.class, () -> acc.step(1, 0.1, -1)).getMessage());
        assertEquals("delta must be in (0, 1), got 0.0",
                assertThrows(BadInputException.class, () -> acc.getEpsilon(0)).getMessage());
        assertEquals("accountant must be rdp or pld, got gdp",
                assertThrows(BadInputException.class, () -> AccountantType.parse("gdp")).getMessage());
        assertEquals(List.of(), acc.history());
    }
}
