package org.botsec.guard.internal;

// Frozen copy of main's NerFeatures at commit 464baf0, before the issue #13 speed work: the "before" path that
// PiiStageBenchMain times in the same process as the current code. Not edited except for the class names.

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
public final class LegacyNerFeatures {
    private LegacyNerFeatures() {
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
