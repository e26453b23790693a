package org.botsec.guard.internal;

import java.util.List;
import java.util.Locale;

/**
 * The features of the named-entity tagger, hashed into a fixed number of buckets (feature hashing,
 * Weinberger et al., "Feature Hashing for Large Scale Multitask Learning", ICML 2009). The training recipe
 * and the runtime tagger both call this one class, so a model always sees the features it was trained on.
 *
 * <p>The feature set follows the classic local features of Ratinov and Roth, "Design Challenges and
 * Misconceptions in Named Entity Recognition" (CoNLL 2009): the word, its affixes and shape, a window of
 * two words either side, and the two previous predicted tags. Case is a feature, not a requirement: the
 * word is hashed lower-cased, and the training recipe adds lower- and upper-cased copies of sentences, so
 * lower-case and all-caps names are still found.
 */
public final class NerFeatures {
    private NerFeatures() {
    }

    /** Entity tags in BIO form; index = class id. */
    public static final List<String> TAGS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG");

    /** Feature slots per token; {@link #extract} fills exactly this many hashes. */
    public static final int SLOTS = 24;

    /**
     * Hashes of the features of token {@code i} into {@code out} (length {@link #SLOTS}), each in
     * {@code [0, buckets)}; {@code buckets} must be a power of two.
     *
     * @param lower  the tokens lower-cased
     * @param shapes {@link #shape} of each token
     * @param prev1  class id of the previous token's tag (0 at the start)
     * @param prev2  class id of the tag before that
     */
    public static void extract(String[] words, String[] lower, String[] shapes, int i, int prev1, int prev2, int buckets, int[] out) {
        int mask = buckets - 1;
        String w = lower[i];
        String raw = words[i];
        int k = 0;
        out[k++] = h(1, "b") & mask;
        out[k++] = h(2, w) & mask;
        out[k++] = h(3, prefix(w, 2)) & mask;
        out[k++] = h(4, prefix(w, 3)) & mask;
        out[k++] = h(5, suffix(w, 2)) & mask;
        out[k++] = h(6, suffix(w, 3)) & mask;
        out[k++] = h(7, suffix(w, 4)) & mask;
        out[k++] = h(8, shapes[i]) & mask;
        out[k++] = h(9, at(lower, i - 1)) & mask;
        out[k++] = h(10, at(lower, i + 1)) & mask;
        out[k++] = h(11, at(lower, i - 2)) & mask;
        out[k++] = h(12, at(lower, i + 2)) & mask;
        out[k++] = h(13, at(shapes, i - 1) + "|" + shapes[i]) & mask;
        out[k++] = h(14, shapes[i] + "|" + at(shapes, i + 1)) & mask;
        out[k++] = h(15, Integer.toString(prev1)) & mask;
        out[k++] = h(16, prev1 + "|" + prev2) & mask;
        out[k++] = h(17, prev1 + "|" + w) & mask;
        out[k++] = h(18, at(lower, i - 1) + "|" + w) & mask;
        out[k++] = h(19, w + "|" + at(lower, i + 1)) & mask;
        out[k++] = h(20, (i == 0 ? "first" : "inner") + "|" + shapes[i]) & mask;
        out[k++] = h(21, nonAscii(raw) ? "accent" : "ascii") & mask;
        out[k++] = h(22, prev1 + "|" + shapes[i]) & mask;
        out[k++] = h(23, suffix(at(lower, i - 1), 3) + "|" + shapes[i]) & mask;
        out[k++] = h(24, Math.min(w.length(), 12) + "|" + (i == 0 ? 0 : 1)) & mask;
    }

    /** Word shape: runs of upper (X), lower (x), digit (d) and other characters collapsed, e.g. "McDonald" → "XxXx". */
    public static String shape(String word) {
        StringBuilder sb = new StringBuilder(8);
        char last = 0;
        for (int i = 0; i < word.length() && sb.length() < 8; i++) {
            char c = word.charAt(i);
            char s = Character.isUpperCase(c) ? 'X' : Character.isLowerCase(c) ? 'x' : Character.isDigit(c) ? 'd' : c;
            if (s != last) {
                sb.append(s);
                last = s;
            }
        }
        return sb.toString();
    }

    public static String lower(String word) {
        return word.toLowerCase(Locale.ROOT);
    }

    private static String at(String[] a, int i) {
        return i < 0 ? "<s>" : i >= a.length ? "</s>" : a[i];
    }

    private static String prefix(String w, int n) {
        return w.length() <= n ? w : w.substring(0, n);
    }

    private static String suffix(String w, int n) {
        return w.length() <= n ? w : w.substring(w.length() - n);
    }

    private static boolean nonAscii(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (w.charAt(i) > 0x7f && Character.isLetter(w.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line's tokens in flat, reusable buffers — lower-cased text, shape and the non-ASCII flag of each token —
     * for {@link #extract(Line, int, int, int, int, int[])}, the allocation-free twin of the String-based
     * {@link #extract(String[], String[], String[], int, int, int, int, int[])}: it hashes the same feature
     * strings character by character instead of building them, so both give the same bucket indices
     * ({@code NerFeaturesEquivalenceTest} checks this on random and real sentences). Not thread-safe: one per thread.
     */
    static final class Line {
        int size;
        int[] start = new int[64];
        int[] end = new int[64];
        int[] lowerStart = new int[64];
        int[] lowerLength = new int[64];
        int[] shapeStart = new int[64];
        int[] shapeLength = new int[64];
        boolean[] accent = new boolean[64];
        char[] lowerChars = new char[1024];
        int lowerUsed;
        char[] shapeChars = new char[512];
        int shapeUsed;

        void clear() {
            size = 0;
            lowerUsed = 0;
            shapeUsed = 0;
        }

        /** Appends the token {@code text[from, to)}. */
        void add(String text, int from, int to) {
            if (size == start.length) {
                int m = size * 2;
                start = java.util.Arrays.copyOf(start, m);
                end = java.util.Arrays.copyOf(end, m);
                lowerStart = java.util.Arrays.copyOf(lowerStart, m);
                lowerLength = java.util.Arrays.copyOf(lowerLength, m);
                shapeStart = java.util.Arrays.copyOf(shapeStart, m);
                shapeLength = java.util.Arrays.copyOf(shapeLength, m);
                accent = java.util.Arrays.copyOf(accent, m);
            }
            start[size] = from;
            end[size] = to;
            // lower(word): ASCII by hand; anything else through String.toLowerCase, whose length may differ
            boolean ascii = true;
            for (int k = from; k < to; k++) {
                if (text.charAt(k) >= 0x80) {
                    ascii = false;
                    break;
                }
            }
            ensureLower(lowerUsed + (to - from) * 3 + 8);
            lowerStart[size] = lowerUsed;
            if (ascii) {
                for (int k = from; k < to; k++) {
                    char c = text.charAt(k);
                    lowerChars[lowerUsed++] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
                }
            } else {
                String lw = NerFeatures.lower(text.substring(from, to));
                ensureLower(lowerUsed + lw.length());
                lw.getChars(0, lw.length(), lowerChars, lowerUsed);
                lowerUsed += lw.length();
            }
            lowerLength[size] = lowerUsed - lowerStart[size];
            // shape(word), the same loop as shape(String)
            if (shapeUsed + 8 > shapeChars.length) {
                shapeChars = java.util.Arrays.copyOf(shapeChars, shapeChars.length * 2 + 8);
            }
            shapeStart[size] = shapeUsed;
            char last = 0;
            int len = 0;
            for (int k = from; k < to && len < 8; k++) {
                char c = text.charAt(k);
                char sh = Character.isUpperCase(c) ? 'X' : Character.isLowerCase(c) ? 'x' : Character.isDigit(c) ? 'd' : c;
                if (sh != last) {
                    shapeChars[shapeUsed++] = sh;
                    len++;
                    last = sh;
                }
            }
            shapeLength[size] = len;
            boolean accented = false;
            for (int k = from; k < to && !ascii; k++) {
                char c = text.charAt(k);
                if (c > 0x7f && Character.isLetter(c)) {
                    accented = true;
                    break;
                }
            }
            accent[size] = accented;
            size++;
        }

        private void ensureLower(int needed) {
            if (needed > lowerChars.length) {
                lowerChars = java.util.Arrays.copyOf(lowerChars, Math.max(needed, lowerChars.length * 2));
            }
        }

        /** The lower-cased token {@code i} as a String (for the rare label check). */
        String lower(int i) {
            return new String(lowerChars, lowerStart[i], lowerLength[i]);
        }
    }

    private static final int ACCENT = h(21, "accent");
    private static final int ASCII = h(21, "ascii");
    private static final int BIAS = h(1, "b");

    /**
     * The features of token {@code i} of {@code line}, equal to those the String-based {@code extract} gives for
     * the same tokens (same templates, same strings hashed, same order).
     */
    static void extract(Line line, int i, int prev1, int prev2, int buckets, int[] out) {
        int mask = buckets - 1;
        char[] lc = line.lowerChars;
        int ws = line.lowerStart[i];
        int wl = line.lowerLength[i];
        int k = 0;
        out[k++] = BIAS & mask;
        out[k++] = finish(chars(begin(2), lc, ws, wl)) & mask;
        out[k++] = finish(chars(begin(3), lc, ws, Math.min(wl, 2))) & mask;
        out[k++] = finish(chars(begin(4), lc, ws, Math.min(wl, 3))) & mask;
        out[k++] = finish(chars(begin(5), lc, ws + wl - Math.min(wl, 2), Math.min(wl, 2))) & mask;
        out[k++] = finish(chars(begin(6), lc, ws + wl - Math.min(wl, 3), Math.min(wl, 3))) & mask;
        out[k++] = finish(chars(begin(7), lc, ws + wl - Math.min(wl, 4), Math.min(wl, 4))) & mask;
        out[k++] = finish(shape(line, begin(8), i)) & mask;
        out[k++] = finish(word(line, begin(9), i - 1)) & mask;
        out[k++] = finish(word(line, begin(10), i + 1)) & mask;
        out[k++] = finish(word(line, begin(11), i - 2)) & mask;
        out[k++] = finish(word(line, begin(12), i + 2)) & mask;
        out[k++] = finish(shape(line, mix(shape(line, begin(13), i - 1), '|'), i)) & mask;
        out[k++] = finish(shape(line, mix(shape(line, begin(14), i), '|'), i + 1)) & mask;
        out[k++] = finish(number(begin(15), prev1)) & mask;
        out[k++] = finish(number(mix(number(begin(16), prev1), '|'), prev2)) & mask;
        out[k++] = finish(chars(mix(number(begin(17), prev1), '|'), lc, ws, wl)) & mask;
        out[k++] = finish(chars(mix(word(line, begin(18), i - 1), '|'), lc, ws, wl)) & mask;
        out[k++] = finish(word(line, mix(chars(begin(19), lc, ws, wl), '|'), i + 1)) & mask;
        out[k++] = finish(shape(line, mix(string(begin(20), i == 0 ? "first" : "inner"), '|'), i)) & mask;
        out[k++] = (line.accent[i] ? ACCENT : ASCII) & mask;
        out[k++] = finish(shape(line, mix(number(begin(22), prev1), '|'), i)) & mask;
        int x = begin(23);
        if (i - 1 < 0) {
            x = string(x, "<s>");
        } else {
            int ps = line.lowerStart[i - 1];
            int pl = line.lowerLength[i - 1];
            x = chars(x, lc, ps + pl - Math.min(pl, 3), Math.min(pl, 3));
        }
        out[k++] = finish(shape(line, mix(x, '|'), i)) & mask;
        out[k++] = finish(mix(mix(number(begin(24), Math.min(wl, 12)), '|'), i == 0 ? '0' : '1')) & mask;
    }

    /*
     * The same 24 features split by what they depend on, for the tagger's per-thread score cache (NerTagger): the
     * pieces below hash exactly the strings extract(Line, ...) hashes for the same slots, so that the sum of their
     * weight rows equals the sum over extract's 24 buckets (PiiFastPathEquivalenceTest and NerScoreCacheTest check
     * the tagger's output against the pre-change tagger).
     */

    /** Number of hashes {@link #tokenFeatures} writes. */
    static final int TOKEN_SLOTS = 11;
    /** Number of hashes {@link #roleFeatures} writes. */
    static final int ROLE_SLOTS = 4;
    /** Number of hashes {@link #pairFeatures} writes. */
    static final int PAIR_SLOTS = 5;
    /** Number of hashes {@link #tagWordFeatures} writes. */
    static final int TAG_WORD_SLOTS = 2;

    /**
     * Slots 0–7, 19, 20, 23 of {@link #extract(Line, int, int, int, int, int[])}: what depends on token {@code i} alone
     * and on whether it is the line's first token ({@code first} stands for {@code i == 0}).
     */
    static void tokenFeatures(Line line, int i, boolean first, int buckets, int[] out) {
        int mask = buckets - 1;
        char[] lc = line.lowerChars;
        int ws = line.lowerStart[i];
        int wl = line.lowerLength[i];
        int k = 0;
        out[k++] = BIAS & mask;
        out[k++] = finish(chars(begin(2), lc, ws, wl)) & mask;
        out[k++] = finish(chars(begin(3), lc, ws, Math.min(wl, 2))) & mask;
        out[k++] = finish(chars(begin(4), lc, ws, Math.min(wl, 3))) & mask;
        out[k++] = finish(chars(begin(5), lc, ws + wl - Math.min(wl, 2), Math.min(wl, 2))) & mask;
        out[k++] = finish(chars(begin(6), lc, ws + wl - Math.min(wl, 3), Math.min(wl, 3))) & mask;
        out[k++] = finish(chars(begin(7), lc, ws + wl - Math.min(wl, 4), Math.min(wl, 4))) & mask;
        out[k++] = finish(shape(line, begin(8), i)) & mask;
        out[k++] = finish(shape(line, mix(string(begin(20), first ? "first" : "inner"), '|'), i)) & mask;
        out[k++] = (line.accent[i] ? ACCENT : ASCII) & mask;
        out[k++] = finish(mix(mix(number(begin(24), Math.min(wl, 12)), '|'), first ? '0' : '1')) & mask;
    }

    /**
     * Slots 8–11 as seen from token {@code j}: the hashes of templates 9, 10, 11 and 12 over token {@code j}'s
     * lower-cased text, i.e. what {@code j} contributes as the previous, next, second previous and second next word
     * of another token; {@code j} may be -1 (sentence start) or {@code line.size} (sentence end).
     */
    static void roleFeatures(Line line, int j, int buckets, int[] out) {
        int mask = buckets - 1;
        out[0] = finish(word(line, begin(9), j)) & mask;
        out[1] = finish(word(line, begin(10), j)) & mask;
        out[2] = finish(word(line, begin(11), j)) & mask;
        out[3] = finish(word(line, begin(12), j)) & mask;
    }

    /** Slots 12, 13, 17, 18, 22: what depends on token {@code i} together with a neighbour. */
    static void pairFeatures(Line line, int i, int buckets, int[] out) {
        int mask = buckets - 1;
        char[] lc = line.lowerChars;
        int ws = line.lowerStart[i];
        int wl = line.lowerLength[i];
        int k = 0;
        out[k++] = finish(shape(line, mix(shape(line, begin(13), i - 1), '|'), i)) & mask;
        out[k++] = finish(shape(line, mix(shape(line, begin(14), i), '|'), i + 1)) & mask;
        out[k++] = finish(chars(mix(word(line, begin(18), i - 1), '|'), lc, ws, wl)) & mask;
        out[k++] = finish(word(line, mix(chars(begin(19), lc, ws, wl), '|'), i + 1)) & mask;
        int x = begin(23);
        if (i - 1 < 0) {
            x = string(x, "<s>");
        } else {
            int ps = line.lowerStart[i - 1];
            int pl = line.lowerLength[i - 1];
            x = chars(x, lc, ps + pl - Math.min(pl, 3), Math.min(pl, 3));
        }
        out[k++] = finish(shape(line, mix(x, '|'), i)) & mask;
    }

    /** Slots 16 and 21: token {@code i}'s text and shape, each with the previous tag. */
    static void tagWordFeatures(Line line, int i, int prev1, int buckets, int[] out) {
        int mask = buckets - 1;
        out[0] = finish(chars(mix(number(begin(17), prev1), '|'), line.lowerChars, line.lowerStart[i], line.lowerLength[i])) & mask;
        out[1] = finish(shape(line, mix(number(begin(22), prev1), '|'), i)) & mask;
    }

    /** Slot 14: the previous tag. */
    static int tagFeature(int prev1, int buckets) {
        return finish(number(begin(15), prev1)) & (buckets - 1);
    }

    /** Slot 15: the two previous tags. */
    static int tagPairFeature(int prev1, int prev2, int buckets) {
        return finish(number(mix(number(begin(16), prev1), '|'), prev2)) & (buckets - 1);
    }

    private static int begin(int template) {
        return 0x811c9dc5 ^ template * 0x01000193;
    }

    private static int mix(int x, char c) {
        x ^= c;
        return x * 0x01000193;
    }

    private static int chars(int x, char[] a, int from, int length) {
        for (int k = from; k < from + length; k++) {
            x ^= a[k];
            x *= 0x01000193;
        }
        return x;
    }

    private static int string(int x, String s) {
        for (int k = 0; k < s.length(); k++) {
            x ^= s.charAt(k);
            x *= 0x01000193;
        }
        return x;
    }

    /** Mixes the decimal digits of {@code v} (as {@code Integer.toString}). */
    private static int number(int x, int v) {
        return v >= 0 && v <= 9 ? mix(x, (char) ('0' + v)) : string(x, Integer.toString(v));
    }

    /** Mixes the lower-cased token {@code j}, or the sentence boundary marker {@code <s>} / {@code </s>}. */
    private static int word(Line line, int x, int j) {
        if (j < 0) {
            return string(x, "<s>");
        }
        if (j >= line.size) {
            return string(x, "</s>");
        }
        return chars(x, line.lowerChars, line.lowerStart[j], line.lowerLength[j]);
    }

    private static int shape(Line line, int x, int j) {
        if (j < 0) {
            return string(x, "<s>");
        }
        if (j >= line.size) {
            return string(x, "</s>");
        }
        return chars(x, line.shapeChars, line.shapeStart[j], line.shapeLength[j]);
    }

    private static int finish(int x) {
        x ^= x >>> 16;
        x *= 0x85ebca6b;
        x ^= x >>> 13;
        x *= 0xc2b2ae35;
        x ^= x >>> 16;
        return x;
    }

    /** FNV-1a over the template id and the string's UTF-16 units, finished with a murmur3 mix. */
    static int h(int template, String s) {
        int x = 0x811c9dc5 ^ template * 0x01000193;
        for (int i = 0; i < s.length(); i++) {
            x ^= s.charAt(i);
            x *= 0x01000193;
        }
        x ^= x >>> 16;
        x *= 0x85ebca6b;
        x ^= x >>> 13;
        x *= 0xc2b2ae35;
        x ^= x >>> 16;
        return x;
    }
}
