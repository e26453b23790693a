package org.botsec.guard.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Runs a regular expression only on the stretches of a text that can hold one of its matches, instead of over the
 * whole text (RE2/J is linear, but its cost is about pattern size × text length: ~0.5 ms for the address and place
 * patterns on 1 KB). The text is cut at <em>separators</em>: ASCII characters that the pattern can never match
 * except, for some patterns, as the very last character of a match (the '.' after "Main St", the ':' after a
 * place). A stretch is searched only when a cheap {@link Filter} says it holds something every match needs (a
 * digit, a street word, a cue phrase), and it is searched with one character of context on each side, so that
 * {@code \b} and a trailing separator behave as in the whole text.
 *
 * <p>Why this finds exactly the matches of {@code find()} over the whole text: no match can contain a separator
 * except as its last character, so every match lies in one stretch plus at most the separator after it; no match
 * starts with a separator, so a match is never found twice; stretches are searched left to right and matches do
 * not span two of them, so leftmost-first order is kept. Non-ASCII characters are never separators (the pattern's
 * {@code \p{L}} and case folding decide about them). {@code PiiFastPathEquivalenceTest} checks the result against
 * the whole-text search of the code before this class.
 */
final class SegmentSearch {
    /** Whether a stretch {@code [start, end)} of the text holds what every match needs. */
    @FunctionalInterface
    interface Filter {
        boolean test(int start, int end);
    }

    /** Receives each match; {@code offset} turns the matcher's positions into positions in the whole text. */
    @FunctionalInterface
    interface Sink {
        void accept(Matcher m, int offset);
    }

    private final Pattern pattern;
    private final boolean[] separator = new boolean[128];

    /**
     * @param pattern         the pattern (RE2/J)
     * @param asciiInsideMatch every ASCII character the pattern can match anywhere but at the end of a match; all
     *                        other ASCII characters are separators
     */
    SegmentSearch(Pattern pattern, String asciiInsideMatch) {
        this.pattern = pattern;
        for (int c = 0; c < 128; c++) {
            separator[c] = asciiInsideMatch.indexOf(c) < 0;
        }
    }

    /** Character classes for {@code asciiInsideMatch}. */
    static final String DIGITS = "0123456789";
    static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private boolean isSeparator(char c) {
        return c < 128 && separator[c];
    }

    /** Every match in the stretches that pass {@code filter}, in text order. */
    void find(String text, Filter filter, Sink sink) {
        int n = text.length();
        int s = 0;
        while (s < n) {
            while (s < n && isSeparator(text.charAt(s))) {
                s++;
            }
            if (s >= n) {
                return;
            }
            int e = s;
            while (e < n && !isSeparator(text.charAt(e))) {
                e++;
            }
            if (filter.test(s, e)) {
                int from = Math.max(0, s - 1);
                int to = Math.min(n, e + 1);
                Matcher m = pattern.matcher(from == 0 && to == n ? text : text.substring(from, to));
                while (m.find()) {
                    sink.accept(m, from);
                }
            }
            s = e;
        }
    }

    /** Whether {@code text[start, end)} holds an ASCII digit. */
    static boolean hasDigit(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    /** Whether one of {@code words} occurs inside {@code text[start, end)}. */
    static boolean containsAny(String text, int start, int end, String[] words) {
        for (String w : words) {
            int last = end - w.length();
            char first = w.charAt(0);
            for (int i = start; i <= last; i++) {
                if (text.charAt(i) == first && text.startsWith(w, i)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Every occurrence of the {@code words} in a text, found once with {@link String#indexOf(String, int)} (a
     * vectorised search) instead of word by word and position by position in each stretch: {@link #within} then
     * answers what {@link #containsAny(String, int, int, String[])} answers, for any stretch, from the list.
     */
    static final class Occurrences {
        private int[] start = new int[8];
        private int[] end = new int[8];
        private int size;

        Occurrences(String text, String[] words) {
            for (String w : words) {
                for (int i = text.indexOf(w); i >= 0; i = text.indexOf(w, i + 1)) {
                    if (size == start.length) {
                        start = java.util.Arrays.copyOf(start, 2 * size);
                        end = java.util.Arrays.copyOf(end, 2 * size);
                    }
                    start[size] = i;
                    end[size++] = i + w.length();
                }
            }
        }

        /** Whether one of the words occurs inside {@code [from, to)} of the text (as {@code containsAny}). */
        boolean within(int from, int to) {
            for (int k = 0; k < size; k++) {
                if (start[k] >= from && end[k] <= to) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Number of occurrences of {@code c} in {@code text[start, end)}. */
    static int count(String text, int start, int end, char c) {
        int k = 0;
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == c) {
                k++;
            }
        }
        return k;
    }

    /**
     * Lower-cased as {@link Prefilter#lowerSameLength}, and U+017F (long s) read as 's': RE2's case-insensitive
     * match folds it to s, {@code Character.toLowerCase} does not (U+212A, the Kelvin sign, already lowers to k).
     */
    static String foldedLower(String lower) {
        return lower.indexOf('\u017f') < 0 ? lower : lower.replace('\u017f', 's');
    }
}
