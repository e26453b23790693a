package org.botsec.attack.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/**
 * Reference: the defining equations of the Clopper–Pearson interval, checked by brute-force binomial sums (exact
 * BigDecimal arithmetic), and closed forms for k = 0 and k = n: upper(0, n) = 1 − (α/2)^(1/n).
 */
class ClopperPearsonTest {

    @Test
    void endsSolveTheBinomialTailEquations() {
        int[][] cases = {{0, 10}, {1, 10}, {5, 10}, {10, 10}, {3, 50}, {0, 500}, {17, 500}, {250, 500}, {499, 500}};
        for (int[] c : cases) {
            int k = c[0];
            int n = c[1];
            ClopperPearson.Interval ci = ClopperPearson.interval(k, n, 0.95);
            if (k < n) {
                // Upper end u: P[Bin(n, u) <= k] = 0.025.
                assertEquals(0.025, cdf(n, k, ci.upper()), 1e-9, "upper " + k + "/" + n);
            } else {
                assertEquals(1.0, ci.upper(), 0);
            }
            if (k > 0) {
                // Lower end l: P[Bin(n, l) >= k] = 0.025.
                assertEquals(0.025, 1 - cdf(n, k - 1, ci.lower()), 1e-9, "lower " + k + "/" + n);
            } else {
                assertEquals(0.0, ci.lower(), 0);
            }
        }
    }

    @Test
    void closedFormAtZeroSuccesses() {
        assertEquals(1 - Math.pow(0.025, 1.0 / 10), ClopperPearson.interval(0, 10, 0.95).upper(), 1e-12);
        assertEquals(1 - Math.pow(0.005, 1.0 / 500), ClopperPearson.interval(0, 500, 0.99).upper(), 1e-12);
        // Published value (e.g. statsmodels proportion_confint(0, 10, method="beta")): upper 0.30849710.
        assertEquals(0.30849710, ClopperPearson.interval(0, 10, 0.95).upper(), 1e-8);
    }

    @Test
    void binomialTailMatchesDirectSum() {
        for (int k = 0; k <= 30; k++) {
            assertEquals(1 - (k == 0 ? 0 : cdf(30, k - 1, 0.37)), ClopperPearson.binomialUpperTail(30, k, 0.37), 1e-12);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(5, 4, 0.95));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(0, 0, 0.95));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(1, 4, 1.0));
    }

    /** P[Bin(n, p) <= k] by summing the probability mass function exactly. */
    private static double cdf(int n, int k, double p) {
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal bp = new BigDecimal(p);
        BigDecimal bq = BigDecimal.ONE.subtract(bp);
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal choose = BigDecimal.ONE;
        for (int i = 0; i <= k; i++) {
            if (i > 0) {
                choose = choose.multiply(BigDecimal.valueOf(n - i + 1)).divide(BigDecimal.valueOf(i), mc);
            }
            sum = sum.add(choose.multiply(bp.pow(i, mc), mc).multiply(bq.pow(n - i, mc), mc), mc);
        }
        return sum.doubleValue();
    }
}
