package org.botsec.core.data.internal;

import java.util.regex.Pattern;

/** Strict decimal number syntax for data cells (no {@code NaN}, {@code Infinity}, hex or {@code 1d} suffixes). */
public final class Numbers {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private Numbers() {
    }

    /** True when {@code s} is a plain decimal number (it may still overflow to infinity). */
    public static boolean looksNumeric(String s) {
        return s != null && !s.isEmpty() && s.length() < 400 && DECIMAL.matcher(s).matches();
    }

    /** Fast path for the common cells; falls back to the regex. */
    public static boolean looksNumericFast(String s) {
        int n = s.length();
        if (n == 0 || n > 30) {
            return looksNumeric(s);
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return looksNumeric(s);
            }
        }
        return true;
    }
}
