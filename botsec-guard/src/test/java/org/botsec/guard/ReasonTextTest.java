package org.botsec.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The verdict reasons are written by concatenation instead of {@code String.format} (for speed); the reference for
 * the score's two decimals is {@code String.format(Locale.ROOT, "%.2f", v)} itself, on the values where rounding
 * can go wrong (exact halves such as 0.125 and 0.005, their neighbours one ulp away, k/100) and on random scores.
 */
class ReasonTextTest {
    private static void same(double v) {
        assertEquals(String.format(Locale.ROOT, "%.2f", v), GuardPipeline.twoDecimals(v), "value " + v);
    }

    @Test
    void twoDecimalsAreTheFormattersTwoDecimals() {
        double[] fixed = {0, -0.0, 1, 0.5, 0.125, 0.135, 0.005, 0.015, 0.995, 0.9951, 0.994999, 1e-9, 4.9e-324, 0.1 + 0.2,
            2.675, 1.005, -0.5, 3.5, Double.NaN, Double.POSITIVE_INFINITY};
        for (double v : fixed) {
            same(v);
        }
        for (int k = 0; k <= 2000; k++) {
            double v = k / 2000.0;
            same(v);
            same(Math.nextUp(v));
            same(Math.nextDown(v));
        }
        SplittableRandom r = new SplittableRandom(20261203L);
        for (int i = 0; i < 200_000; i++) {
            same(r.nextDouble());
            same(Math.round(r.nextDouble() * 1000) / 1000.0); // three decimals: many exact-half cases for rounding
        }
    }

    @Test
    void reasonsReadAsBefore() {
        Verdict v = GuardPipeline.defaults().scan("Mail me at jane.doe@example.com please", Direction.INPUT);
        assertEquals(java.util.List.of("EMAIL redacted by guard.pii.email (rule_match 1.00) at [11, 31)"), v.reasons());
    }
}
