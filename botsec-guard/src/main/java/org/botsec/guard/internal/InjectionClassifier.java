package org.botsec.guard.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;

/**
 * A small binary classifier for prompt injection: hashed word uni/bi-grams and character 3–5-grams
 * ("hashing trick", Weinberger et al. 2009, <i>Feature Hashing for Large Scale Multitask Learning</i>),
 * L2-normalised, fed to logistic regression trained by stochastic gradient descent with L2 regularisation.
 * Small enough to train in well under a second on BotSec's own corpus, so the shipped model is trained from
 * the committed CSV when first used, with a fixed seed: same corpus, same weights.
 *
 * <p>Instances are immutable after training and thread-safe; {@link #score} works in per-thread buffers
 * and allocates nothing once they have grown to the longest text seen.
 */
public final class InjectionClassifier {
    /** Number of hash buckets (2^18). */
    static final int DIMENSION = 1 << 18;
    private static final int MAX_CHARS = 4_000;

    private final float[] weights;
    private final float bias;

    private InjectionClassifier(float[] weights, float bias) {
        this.weights = weights;
        this.bias = bias;
    }

    /** One labelled example: text and whether it is an attack; family is kept for reporting. */
    public record Example(String text, boolean attack, String family) {
    }

    /** Training settings. */
    public record Settings(int epochs, double learningRate, double l2, long seed) {
        public Settings {
            if (epochs < 1) {
                throw BadInputException.of("epochs must be >= 1, got %d", epochs);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw BadInputException.of("learningRate must be > 0 and finite, got %s", learningRate);
            }
            if (!(l2 >= 0) || Double.isInfinite(l2)) {
                throw BadInputException.of("l2 must be >= 0 and finite, got %s", l2);
            }
        }

        public static Settings defaults() {
            return new Settings(20, 0.5, 1e-3, 20261126L);
        }
    }

    private static final class Holder {
        static final InjectionClassifier SHIPPED = train(loadCorpus("injection_corpus.csv"), Settings.defaults());
    }

    /** The model trained on the whole shipped corpus. */
    public static InjectionClassifier shipped() {
        return Holder.SHIPPED;
    }

    /** Probability in [0, 1] that {@code text} is a prompt-injection or jailbreak attempt. */
    public double score(String text) {
        Scratch x = SCRATCH.get();
        extract(text, x);
        double z = bias;
        for (int i = 0; i < x.size; i++) {
            z += weights[x.index[i]] * x.value[i];
        }
        return org.botsec.core.math.Logistic.sigmoid(z);
    }

    /** Trains logistic regression by SGD over shuffled examples (seeded, so reproducible). */
    public static InjectionClassifier train(List<Example> examples, Settings settings) {
        if (examples.isEmpty()) {
            throw new BadInputException("cannot train the injection classifier on zero examples");
        }
        SparseVector[] xs = new SparseVector[examples.size()];
        double[] ys = new double[examples.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = features(examples.get(i).text());
            ys[i] = examples.get(i).attack() ? 1 : 0;
        }
        float[] w = new float[DIMENSION];
        double b = 0;
        int[] order = new int[xs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(settings.seed());
        double decay = 1 - settings.learningRate() * settings.l2();
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            shuffle(order, random);
            double lr = settings.learningRate() / (1 + 0.05 * epoch);
            for (int k : order) {
                SparseVector x = xs[k];
                double z = b;
                for (int i = 0; i < x.size; i++) {
                    z += w[x.index[i]] * x.value[i];
                }
                double p = org.botsec.core.math.Logistic.sigmoid(z);
                double g = p - ys[k]; // d(log loss)/dz
                for (int i = 0; i < x.size; i++) {
                    int j = x.index[i];
                    w[j] = (float) (w[j] * decay - lr * g * x.value[i]);
                }
                b -= lr * g;
            }
        }
        return new InjectionClassifier(w, (float) b);
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Sparse L2-normalised feature vector (duplicates summed). */
    static final class SparseVector {
        final int[] index;
        final float[] value;
        final int size;

        SparseVector(int[] index, float[] value, int size) {
            this.index = index;
            this.value = value;
            this.size = size;
        }
    }

    /** Features of {@code raw} as a fresh vector (training keeps them); scoring uses {@link #extract} instead. */
    static SparseVector features(String raw) {
        Scratch x = new Scratch();
        extract(raw, x);
        return new SparseVector(Arrays.copyOf(x.index, x.size), Arrays.copyOf(x.value, x.size), x.size);
    }

    /** Per-thread buffers so that scoring allocates nothing once they have grown to the longest text seen. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** {@code 1 + ln(k)} as floats for small counts k, the same values the sublinear term frequency computes. */
    private static final float[] ONE_PLUS_LOG = new float[256];

    static {
        for (int k = 1; k < ONE_PLUS_LOG.length; k++) {
            ONE_PLUS_LOG[k] = (float) (1 + Math.log(k));
        }
    }

    /** For each ASCII char: its lower case if a letter or digit, else a space. */
    private static final char[] ASCII_FOLD = new char[0x80];

    static {
        for (char ch = 0; ch < 0x80; ch++) {
            char lower = Character.toLowerCase(ch);
            ASCII_FOLD[ch] = Character.isLetterOrDigit(lower) ? lower : ' ';
        }
    }

    /** Reusable buffers: normalised chars, an open-addressing table of bucket → position, the output vector. */
    static final class Scratch {
        char[] chars = new char[64];
        int[] keys = new int[64];
        int[] slotPos = new int[64];
        int[] index = new int[64];
        float[] value = new float[64];
        int size;
        private int mask;

        private void reset(int textLength) {
            if (chars.length < textLength + 2) {
                chars = new char[textLength + 2];
            }
            // at most 3 char n-grams + 2 word features per normalised char, table at most half full
            int features = 5 * (textLength + 2) + 16;
            int cap = Integer.highestOneBit(Math.max(16, features)) << 2; // at most half full
            if (keys.length < cap) {
                keys = new int[cap];
                slotPos = new int[cap];
            }
            if (index.length < features) {
                index = new int[features];
                value = new float[features];
            }
            mask = cap - 1;
            Arrays.fill(keys, 0, mask + 1, -1);
            size = 0;
        }

        /** Counts one occurrence of feature {@code key}; new features are appended in first-seen order. */
        private void add(int key) {
            int slot = (key * 0x9E3779B1) >>> 1 & mask;
            int k;
            while ((k = keys[slot]) != -1 && k != key) {
                slot = (slot + 1) & mask;
            }
            if (k == -1) {
                keys[slot] = key;
                slotPos[slot] = size;
                index[size] = key;
                value[size++] = 1;
            } else {
                value[slotPos[slot]] += 1;
            }
        }
    }

    /**
     * Hashed features into {@code x}: character 3–5-grams over the lower-cased text with non-letters collapsed
     * to one space, computed by one polynomial pass per start position (no substrings), and word uni/bigrams;
     * duplicates counted in first-seen order, sublinear term frequency, L2-normalised.
     */
    static void extract(String raw, Scratch x) {
        int n = Math.min(raw.length(), MAX_CHARS);
        x.reset(n);
        char[] c = x.chars;
        int m = 0;
        c[m++] = ' ';
        for (int i = 0; i < n; i++) {
            char ch = raw.charAt(i);
            if (ch < 0x80) { // ASCII fast path, same result as the general branch
                ch = ASCII_FOLD[ch];
            } else {
                ch = Character.toLowerCase(ch);
                if (!Character.isLetterOrDigit(ch)) {
                    ch = ' ';
                }
            }
            if (ch == ' ' && c[m - 1] == ' ') {
                continue;
            }
            c[m++] = ch;
        }
        if (c[m - 1] != ' ') {
            c[m++] = ' ';
        }
        // h_len(i) = (seed + len) * 31^len + sum_k c[i+k] * 31^(len-1-k), in int arithmetic as before
        final int seed = 0x9747b28c;
        final int s3 = (seed + 3) * 31 * 31 * 31;
        final int s4 = (seed + 4) * 31 * 31 * 31 * 31;
        final int s5 = (seed + 5) * 31 * 31 * 31 * 31 * 31;
        // the original order was all 3-grams, then all 4-grams, then all 5-grams; first-seen order matters for
        // the summation order of the score, so keep three passes
        for (int i = 0; i + 3 <= m; i++) {
            x.add(bucket(s3 + (c[i] * 31 + c[i + 1]) * 31 + c[i + 2]));
        }
        for (int i = 0; i + 4 <= m; i++) {
            x.add(bucket(s4 + ((c[i] * 31 + c[i + 1]) * 31 + c[i + 2]) * 31 + c[i + 3]));
        }
        for (int i = 0; i + 5 <= m; i++) {
            x.add(bucket(s5 + (((c[i] * 31 + c[i + 1]) * 31 + c[i + 2]) * 31 + c[i + 3]) * 31 + c[i + 4]));
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
                x.add(bucket(h));
                if (havePrev) {
                    x.add(bucket(prevHash * 0x5bd1e995 + h));
                }
                prevHash = h;
                havePrev = true;
            }
        }
        int size = x.size;
        float[] v = x.value;
        double norm = 0;
        for (int k = 0; k < size; k++) {
            int count = (int) v[k];
            v[k] = count < ONE_PLUS_LOG.length ? ONE_PLUS_LOG[count] : (float) (1 + Math.log(v[k])); // sublinear tf
            norm += v[k] * v[k];
        }
        float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
        for (int k = 0; k < size; k++) {
            v[k] *= inv;
        }
    }

    private static int bucket(int h) {
        // murmur3 finaliser, then keep the low bits
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & (DIMENSION - 1);
    }

    /** Reads a {@code text,label,family} CSV from the corpus folder on the class path. */
    public static List<Example> loadCorpus(String name) {
        String path = "/org/botsec/guard/corpus/" + name;
        try (InputStream in = InjectionClassifier.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("corpus resource missing: " + path);
            }
            return parseCsv(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read corpus " + path, e);
        }
    }

    /** Minimal RFC 4180 reader for the three-column corpus (quoted fields, doubled quotes, embedded newlines). */
    static List<Example> parseCsv(BufferedReader reader) throws IOException {
        List<Example> out = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean header = true;
        int ch;
        boolean fieldStarted = false;
        while ((ch = reader.read()) != -1) {
            char c = (char) ch;
            if (quoted) {
                if (c == '"') {
                    reader.mark(1);
                    int next = reader.read();
                    if (next == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        if (next != -1) {
                            reader.reset();
                        }
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && !fieldStarted) {
                quoted = true;
                fieldStarted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
            } else if (c == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
                if (!header) {
                    out.add(row(fields));
                }
                header = false;
                fields.clear();
            } else if (c != '\r') {
                field.append(c);
                fieldStarted = true;
            }
        }
        if (fieldStarted || !fields.isEmpty()) {
            fields.add(field.toString());
            if (!header) {
                out.add(row(fields));
            }
        }
        return out;
    }

    private static Example row(List<String> fields) {
        if (fields.size() != 3) {
            throw new IllegalStateException("corpus row must have 3 fields, got " + fields.size());
        }
        String label = fields.get(1);
        if (!label.equals("attack") && !label.equals("benign")) {
            throw new IllegalStateException("corpus label must be attack or benign, got " + label);
        }
        return new Example(fields.get(0), label.equals("attack"), fields.get(2));
    }
}
