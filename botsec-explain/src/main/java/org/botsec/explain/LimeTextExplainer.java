package org.botsec.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.internal.BuilderSettings;
import org.botsec.explain.internal.IndexedText;
import org.botsec.explain.internal.Seeds;

/**
 * LIME for text classifiers, as marcotcr/lime's {@code LimeTextExplainer} defines it (Ribeiro, Singh, Guestrin
 * 2016, "Why Should I Trust You?", KDD). The text is split on runs of non-word characters with the separators
 * kept; with bag of words each distinct word (case-sensitive) is a feature. The neighbourhood's first sample is
 * the text itself; every other sample removes r words, r uniform in 1..d, chosen as a uniform r-subset of the d
 * features. A sample's distance is the cosine distance of its binary feature vector to all-ones, × 100, and its
 * weight the kernel sqrt(exp(−distance²/width²)) with width 25. Features are selected
 * ({@link FeatureSelection}) and a weighted ridge with α = 1 and intercept is fitted to the model's probability
 * of the explained label.
 *
 * <p>Randomness: each call draws from a fresh {@link SplittableRandom} seeded with this explainer's seed, so the
 * same explainer gives the same explanation for the same input; the seed is recorded in the result. Thread-safe
 * (immutable) as long as the prediction function is.
 */
public final class LimeTextExplainer {
    /** lime's default split expression: runs of non-word characters. */
    public static final String DEFAULT_SPLIT_EXPRESSION = "\\W+";
    /** lime's default mask for removed words when not bag of words. */
    public static final String DEFAULT_MASK_STRING = "UNKWORDZ";
    /** Upper bound on the neighbourhood size ({@link SampleLimits#MAX_SAMPLES}). */
    public static final int MAX_SAMPLES = SampleLimits.MAX_SAMPLES;

    private final List<String> classNames;
    private final double kernelWidth;
    private final FeatureSelection featureSelection;
    private final boolean bow;
    private final String maskString;
    private final Pattern split;
    private final long seed;

    private LimeTextExplainer(Builder b) {
        this.classNames = b.classNames;
        this.kernelWidth = b.kernelWidth;
        this.featureSelection = b.featureSelection;
        this.bow = b.bow;
        this.maskString = b.maskString;
        this.split = Pattern.compile(b.splitExpression, Pattern.UNICODE_CHARACTER_CLASS);
        this.seed = b.seed == null ? Seeds.fresh() : b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The seed every call replays. */
    public long seed() {
        return seed;
    }

    /** Explains label 1 with 5,000 samples (lime's defaults). */
    public Explanation explainInstance(String text, Function<List<String>, Matrix> predictProba, int numFeatures) {
        return explainInstance(text, predictProba, numFeatures, 5000, 1);
    }

    /** Explains {@code label} with a neighbourhood of {@code numSamples} texts (the first is {@code text}). */
    public Explanation explainInstance(String text, Function<List<String>, Matrix> predictProba, int numFeatures,
            int numSamples, int label) {
        return explainLabels(text, predictProba, numFeatures, numSamples, new int[] {label}).get(0);
    }

    /**
     * Explains every text in parallel on all cores; text i uses the seed {@code Seeds.forRow(seed, i)}, so each
     * result is the same whatever the scheduling or the batch it is in. The prediction function must be
     * thread-safe.
     */
    public List<Explanation> explainTexts(List<String> texts, Function<List<String>, Matrix> predictProba,
            int numFeatures, int numSamples, int label) {
        Explanation[] out = new Explanation[texts.size()];
        java.util.stream.IntStream.range(0, texts.size()).parallel().forEach(i -> out[i] = explain(texts.get(i),
                predictProba, numFeatures, numSamples, new int[] {label}, Seeds.forRow(seed, i)).get(0));
        return List.of(out);
    }

    /** Explains several labels on one shared neighbourhood (lime's {@code labels=(...)}). */
    public List<Explanation> explainLabels(String text, Function<List<String>, Matrix> predictProba,
            int numFeatures, int numSamples, int... labels) {
        return explain(text, predictProba, numFeatures, numSamples, labels, seed);
    }

    private List<Explanation> explain(String text, Function<List<String>, Matrix> predictProba,
            int numFeatures, int numSamples, int[] labels, long seed) {
        if (text == null) {
            throw BadInputException.of("text must not be null");
        }
        if (numFeatures <= 0) {
            throw BadInputException.of("numFeatures must be > 0, got %d", numFeatures);
        }
        SampleLimits.check("numSamples (--num-samples)", numSamples, 1, "words");
        IndexedText indexed = new IndexedText(text, split, bow, maskString);
        int d = indexed.numFeatures();
        if (d == 0) {
            throw BadInputException.of("text has no words to explain: \"%s\"", excerpt(text));
        }
        LimeSupport.checkCounts(numFeatures, numSamples, d, "words");
        Neighbourhood nb = sample(indexed, numSamples, new SplittableRandom(seed));
        Matrix proba = predictProba.apply(nb.texts);
        if (proba.rows() != numSamples) {
            throw new IllegalStateException("prediction function returned " + proba.rows() + " rows for "
                    + numSamples + " texts");
        }
        List<String> names = LimeSupport.classNames(classNames, proba.cols());
        double[] weights = LimeSupport.kernel(nb.distances, kernelWidth);
        List<Explanation> out = new ArrayList<>();
        for (int label : labels) {
            out.add(LimeSupport.explain(ExplanationMethod.LIME_TEXT, names, proba, label, nb.data, weights,
                    numFeatures, featureSelection, indexed::word, seed, indexed.toInstance()));
        }
        return out;
    }

    /** The sampled neighbourhood: binary feature rows, texts to classify and distances (×100). */
    record Neighbourhood(Matrix data, List<String> texts, double[] distances) {
    }

    static Neighbourhood sample(IndexedText indexed, int numSamples, SplittableRandom random) {
        int d = indexed.numFeatures();
        Matrix data = new Matrix(numSamples, d);
        double[] a = data.data();
        Arrays.fill(a, 1.0);
        List<String> texts = new ArrayList<>(numSamples);
        double[] distances = new double[numSamples];
        int[] perm = new int[d];
        boolean[] kept = new boolean[d];
        Arrays.fill(kept, true);
        String original = indexed.inverseRemoving(kept, new StringBuilder());
        StringBuilder sb = new StringBuilder(original.length() + 16);
        texts.add(original);
        for (int i = 1; i < numSamples; i++) {
            int r = random.nextInt(1, d + 1);
            // A uniform r-subset: the first r entries of a partial Fisher-Yates shuffle.
            for (int j = 0; j < d; j++) {
                perm[j] = j;
            }
            Arrays.fill(kept, true);
            for (int j = 0; j < r; j++) {
                int s = j + random.nextInt(d - j);
                int t = perm[j];
                perm[j] = perm[s];
                perm[s] = t;
                kept[perm[j]] = false;
                a[i * d + perm[j]] = 0.0;
            }
            texts.add(indexed.inverseRemoving(kept, sb));
            distances[i] = cosineDistanceToOnes(d - r, d) * 100.0;
        }
        return new Neighbourhood(data, texts, distances);
    }

    /**
     * Cosine distance between a binary vector with {@code kept} ones out of {@code d} and the all-ones vector:
     * 1 − kept/√(kept·d). An all-zero vector has distance 1, as scikit-learn's pairwise cosine distance gives.
     */
    static double cosineDistanceToOnes(int kept, int d) {
        return kept == 0 ? 1.0 : 1.0 - Math.sqrt((double) kept / d);
    }

    static String excerpt(String s) {
        String t = s.replaceAll("\\s+", " ");
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }

    /** Builder; every setting is validated and may be made once. */
    public static final class Builder {
        private final BuilderSettings settings = new BuilderSettings("LimeTextExplainer");
        private List<String> classNames;
        private double kernelWidth = 25.0;
        private FeatureSelection featureSelection = FeatureSelection.AUTO;
        private boolean bow = true;
        private String maskString = DEFAULT_MASK_STRING;
        private String splitExpression = DEFAULT_SPLIT_EXPRESSION;
        private Long seed;

        private Builder() {
        }

        /** Class names in the model's column order (default "0", "1", ...). */
        public Builder classNames(String... names) {
            return classNames(List.of(names));
        }

        public Builder classNames(List<String> names) {
            settings.once("classNames");
            if (names == null || names.isEmpty()) {
                throw new BadInputException("classNames must not be empty");
            }
            this.classNames = List.copyOf(names);
            return this;
        }

        /** Kernel width (default 25, as lime; distances are cosine × 100). */
        public Builder kernelWidth(double width) {
            settings.once("kernelWidth");
            this.kernelWidth = LimeSupport.checkKernelWidth(width);
            return this;
        }

        public Builder featureSelection(FeatureSelection selection) {
            settings.once("featureSelection");
            if (selection == null) {
                throw new BadInputException("featureSelection must not be null");
            }
            this.featureSelection = selection;
            return this;
        }

        /** Bag of words (default true); false explains word positions and masks removed words. */
        public Builder bow(boolean bow) {
            settings.once("bow");
            this.bow = bow;
            return this;
        }

        public Builder maskString(String mask) {
            settings.once("maskString");
            if (mask == null) {
                throw new BadInputException("maskString must not be null");
            }
            this.maskString = mask;
            return this;
        }

        /** Regular expression of separators (default {@code \W+}, Unicode-aware like Python's). */
        public Builder splitExpression(String regex) {
            settings.once("splitExpression");
            Pattern.compile(regex);
            this.splitExpression = regex;
            return this;
        }

        /** Seed for replayable sampling; without one a fresh seed is drawn (and recorded in results). */
        public Builder seed(long seed) {
            settings.once("seed");
            this.seed = seed;
            return this;
        }

        /**
         * Takes the seed from a {@link org.botsec.core.rand.Randomness}: its own seed when replayable, otherwise
         * one draw from it (recorded in the results, so even a secure source's explanation can be replayed).
         */
        public Builder randomness(org.botsec.core.rand.Randomness randomness) {
            settings.once("seed");
            this.seed = Seeds.of(randomness);
            return this;
        }

        public LimeTextExplainer build() {
            return new LimeTextExplainer(this);
        }
    }
}
