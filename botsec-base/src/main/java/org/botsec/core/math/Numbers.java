package org.botsec.core.math;

import java.util.Locale;

/**
 * The one number format of human-readable output (CLI lines, finding titles), so that ε, δ, rates and other
 * free-form values look the same in every command and report: up to six significant digits, no trailing zeros, and scientific notation written
 * {@code 1e-5} / {@code 2.5e-7} (never Java's {@code 1.0E-5}) for magnitudes below 1e-4 or from 1e6 on. Metrics
 * shown in fixed columns (accuracy {@code 0.9737}) keep their fixed decimals. JSON output is untouched: it prints
 * doubles as JSON numbers.
 */
public final class Numbers {
    private Numbers() {
    }

    /** {@code v} in the CLI's number format: {@code 4.27123}, {@code 1e-5}, {@code 60000}, {@code infinity}. */
    public static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "infinity" : "-infinity";
        }
        if (v == 0) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.6g", v); // %g: scientific below 1e-4 and from 1e6 on
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
        }
        return e < 0 ? mantissa : mantissa + "e" + Integer.parseInt(s.substring(e + 1));
    }

    /** {@link #format(double)} of a boxed value; {@code null} prints as {@code none}. */
    public static String format(Double v) {
        return v == null ? "none" : format(v.doubleValue());
    }
}
