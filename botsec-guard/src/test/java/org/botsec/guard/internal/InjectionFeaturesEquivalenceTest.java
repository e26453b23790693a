package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free feature extraction must give exactly the features of the previous implementation (kept
 * below verbatim as the reference oracle, from commit cb2b73a), so the trained model and every score stay
 * the same: checked on the whole shipped corpus and on random texts mixing letters, digits, punctuation,
 * upper case and non-ASCII letters, including texts longer than the 4,000-character cap.
 */
class InjectionFeaturesEquivalenceTest {
    @Test
    void sameFeaturesAsReferenceOnCorpus() {
        for (InjectionClassifier.Example e : InjectionClassifier.loadCorpus("injection_corpus.csv")) {
            assertSame(e.text());
        }
    }

    @Test
    void sameFeaturesAsReferenceOnRandomTexts() {
        SplittableRandom r = new SplittableRandom(5);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789   .,!?-'\"\n\téüßÅΩжあ";
        for (int t = 0; t < 2_000; t++) {
            int n = t % 100 == 0 ? 3_000 + r.nextInt(3_000) : r.nextInt(300);
            StringBuilder sb = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                sb.append(r.nextInt(10) == 0 ? "aaa " : String.valueOf(alphabet.charAt(r.nextInt(alphabet.length()))));
            }
            assertSame(sb.toString());
        }
        assertSame("");
        assertSame(" ");
        assertSame("a");
    }

    @Test
    void scratchReuseAcrossLengthsGivesSameFeatures() {
        InjectionClassifier.Scratch x = new InjectionClassifier.Scratch();
        for (String s : new String[] {"a long text ".repeat(200), "short", "", "medium length text here".repeat(5)}) {
            InjectionClassifier.extract(s, x);
            InjectionClassifier.SparseVector ref = Reference.features(s);
            assertArrayEquals(Arrays.copyOf(ref.index, ref.size), Arrays.copyOf(x.index, x.size));
            assertArrayEquals(Arrays.copyOf(ref.value, ref.size), Arrays.copyOf(x.value, x.size));
        }
    }

    private static void assertSame(String text) {
        InjectionClassifier.SparseVector ref = Reference.features(text);
        InjectionClassifier.SparseVector now = InjectionClassifier.features(text);
        assertEquals(ref.size, now.size, text);
        assertArrayEquals(Arrays.copyOf(ref.index, ref.size), Arrays.copyOf(now.index, now.size), text);
        assertArrayEquals(Arrays.copyOf(ref.value, ref.size), Arrays.copyOf(now.value, now.size), text);
    }

    /** The feature extraction as it was before the speed-up (verbatim), the oracle. */
    private static final class Reference {
        private static final int MAX_CHARS = 4_000;

    static InjectionClassifier.SparseVector features(String raw) {
        String text = raw.length() > MAX_CHARS ? raw.substring(0, MAX_CHARS) : raw;
        int n = text.length();
        int[] idx = new int[Math.max(16, 4 * n + 16)];
        int count = 0;
        // character 3..5-grams over the lower-cased text with collapsed non-letters
        char[] c = new char[n + 2];
        int m = 0;
        c[m++] = ' ';
        for (int i = 0; i < n; i++) {
            char ch = Character.toLowerCase(text.charAt(i));
            if (!Character.isLetterOrDigit(ch)) {
                ch = ' ';
            }
            if (ch == ' ' && c[m - 1] == ' ') {
                continue;
            }
            c[m++] = ch;
        }
        if (c[m - 1] != ' ') {
            c[m++] = ' ';
        }
        for (int len = 3; len <= 5; len++) {
            for (int i = 0; i + len <= m; i++) {
                int h = 0x9747b28c + len;
                for (int k = 0; k < len; k++) {
                    h = h * 31 + c[i + k];
                }
                idx = grow(idx, count);
                idx[count++] = bucket(h);
            }
        }
        // word unigrams and bigrams
        int prevHash = 0;
        boolean havePrev = false;
        int i = 0;
        while (i < m) {
            while (i < m && c[i] == ' ') {
                i++;
            }
            int s = i;
            int h = 0x1b873593;
            while (i < m && c[i] != ' ') {
                h = h * 31 + c[i];
                i++;
            }
            if (i > s) {
                idx = grow(idx, count + 1);
                idx[count++] = bucket(h);
                if (havePrev) {
                    idx[count++] = bucket(prevHash * 0x5bd1e995 + h);
                }
                prevHash = h;
                havePrev = true;
            }
        }
        // count duplicates with a small open-addressing table (cheaper than sorting on the hot path)
        int cap = Integer.highestOneBit(Math.max(16, count * 2)) << 1;
        int[] keys = new int[cap];
        float[] counts = new float[cap];
        Arrays.fill(keys, -1);
        int[] outIdx = new int[count];
        int size = 0;
        for (int k = 0; k < count; k++) {
            int key = idx[k];
            int slot = (key * 0x9E3779B1) >>> 1 & (cap - 1);
            while (keys[slot] != -1 && keys[slot] != key) {
                slot = (slot + 1) & (cap - 1);
            }
            if (keys[slot] == -1) {
                keys[slot] = key;
                outIdx[size++] = key;
            }
            counts[slot] += 1;
        }
        float[] outVal = new float[size];
        for (int k = 0; k < size; k++) {
            int key = outIdx[k];
            int slot = (key * 0x9E3779B1) >>> 1 & (cap - 1);
            while (keys[slot] != key) {
                slot = (slot + 1) & (cap - 1);
            }
            outVal[k] = counts[slot];
        }
        double norm = 0;
        for (int k = 0; k < size; k++) {
            outVal[k] = (float) (1 + Math.log(outVal[k])); // sublinear term frequency
            norm += outVal[k] * outVal[k];
        }
        float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
        for (int k = 0; k < size; k++) {
            outVal[k] *= inv;
        }
        return new InjectionClassifier.SparseVector(outIdx, outVal, size);
    }

    private static int[] grow(int[] a, int need) {
        return need + 1 < a.length ? a : Arrays.copyOf(a, a.length * 2 + 2);
    }

    private static int bucket(int h) {
        // murmur3 finaliser, then keep the low bits
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & (InjectionClassifier.DIMENSION - 1);
    }
    }
}
