package org.botsec.guard.internal;

/**
 * Cheap checks that let a scanner skip a regular expression that cannot match: RE2/J is linear but its NFA
 * costs roughly (pattern size × text length), so a plain {@code indexOf} for a required word first keeps
 * the common case — a message without any trigger word — fast.
 */
public final class Prefilter {
    private Prefilter() {
    }

    /** Whether {@code text} contains at least one of {@code words} (exact, case-sensitive). */
    public static boolean containsAny(String text, String... words) {
        for (String w : words) {
            if (text.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** Number of ASCII digits in {@code text}. */
    public static int digits(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                n++;
            }
        }
        return n;
    }

    /** Number of occurrences of {@code c}. */
    public static int count(String text, char c) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    /** Whether some digit is followed by {@code sep} and another digit (e.g. "1.2" for '.'). */
    public static boolean digitSepDigit(String text, char sep) {
        for (int i = 1; i + 1 < text.length(); i++) {
            if (text.charAt(i) == sep && isDigit(text.charAt(i - 1)) && isDigit(text.charAt(i + 1))) {
                return true;
            }
        }
        return false;
    }

    /** Whether two upper-case ASCII letters are followed by two digits somewhere (an IBAN's start). */
    public static boolean ibanStart(String text) {
        for (int i = 0; i + 3 < text.length(); i++) {
            if (isUpper(text.charAt(i)) && isUpper(text.charAt(i + 1)) && isDigit(text.charAt(i + 2)) && isDigit(text.charAt(i + 3))) {
                return true;
            }
        }
        return false;
    }

    /** Lower-cases char by char so that offsets in the result are offsets in the original. */
    public static String lowerSameLength(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = Character.toLowerCase(c[i]);
        }
        return new String(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
