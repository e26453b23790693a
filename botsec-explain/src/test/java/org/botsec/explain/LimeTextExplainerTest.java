package org.botsec.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.internal.IndexedText;
import org.junit.jupiter.api.Test;

class LimeTextExplainerTest {
    private static final String TEXT = "The movie was awesome!";

    @Test
    void splitsLikeLimeWithSeparatorsKeptAndCaseSensitiveWords() {
        IndexedText t = new IndexedText("Good, good GOOD film!", Pattern.compile("\\W+",
                Pattern.UNICODE_CHARACTER_CLASS), true, "UNKWORDZ");
        assertEquals(4, t.numFeatures());
        assertEquals(List.of("Good", "good", "GOOD", "film"),
                List.of(t.word(0), t.word(1), t.word(2), t.word(3)));
        boolean[] kept = {true, false, true, true};
        assertEquals("Good,  GOOD film!", t.inverseRemoving(kept, new StringBuilder()));
        IndexedText pos = new IndexedText("a b a", Pattern.compile("\\W+"), false, "UNKWORDZ");
        assertEquals(3, pos.numFeatures());
        assertEquals("UNKWORDZ b a", pos.inverseRemoving(new boolean[] {false, true, true}, new StringBuilder()));
        IndexedText bow = new IndexedText("a b a", Pattern.compile("\\W+"), true, "UNKWORDZ");
        assertEquals(" b ", bow.inverseRemoving(new boolean[] {false, true}, new StringBuilder()));
    }

    @Test
    void sampleRemovesUniformCountThenUniformSubset() {
        IndexedText t = new IndexedText(TEXT, Pattern.compile("\\W+"), true, "UNKWORDZ");
        int n = 40_000;
        LimeTextExplainer.Neighbourhood nb = LimeTextExplainer.sample(t, n, new SplittableRandom(7));
        assertEquals(TEXT, nb.texts().get(0));
        int[] removedCount = new int[5];
        int[] removedWord = new int[4];
        for (int i = 1; i < n; i++) {
            int r = 0;
            for (int j = 0; j < 4; j++) {
                if (nb.data().get(i, j) == 0) {
                    r++;
                    removedWord[j]++;
                }
            }
            removedCount[r]++;
            assertEquals(LimeTextExplainer.cosineDistanceToOnes(4 - r, 4) * 100, nb.distances()[i], 1e-12);
        }
        assertEquals(0, removedCount[0]);
        // r ~ uniform{1..4}: each count ~ Binomial(n-1, 1/4), sd ≈ 87; allow 5 sd.
        for (int r = 1; r <= 4; r++) {
            assertEquals((n - 1) / 4.0, removedCount[r], 5 * Math.sqrt((n - 1) * 0.25 * 0.75));
        }
        // Each word is removed with probability E[r]/d = 2.5/4.
        for (int j = 0; j < 4; j++) {
            assertEquals((n - 1) * 0.625, removedWord[j], 5 * Math.sqrt((n - 1) * 0.625 * 0.375));
        }
        // cosine distance of the empty sample is 1 (×100), as scikit-learn gives for a zero vector
        assertEquals(100.0, LimeTextExplainer.cosineDistanceToOnes(0, 4) * 100, 0);
    }

    /**
     * Exact oracle for lime's large-sample limit: enumerate all 2^d masks, weight each by kernel × the expected
     * number of times lime's sampler draws it ((N−1)/(d·C(d,r)) for r removed words, 1 for the original row), and
     * fit the weighted ridge (α = 1) with an independently written solver. The sampled estimate with many samples
     * must converge to it. Same construction as golden/README.md's expected_lime_neighbourhood.
     */
    @Test
    void largeSampleEstimateConvergesToEnumeratedOracle() {
        int n = 200_000;
        double[] oracle = enumeratedOracle(TEXT, TestModels::sentiment, n);
        Explanation e = LimeTextExplainer.builder().classNames("Negative", "Positive").seed(3).build()
                .explainInstance(TEXT, TestModels::sentiment, 10, n, 1);
        String[] words = {"The", "movie", "was", "awesome"};
        // sd of a weight at 5,000 samples is ~1e-3 (golden across_seed_stats); at 200,000 it is ~1.6e-4.
        for (int j = 0; j < 4; j++) {
            assertEquals(oracle[j + 1], e.weightOf(words[j]), 1.5e-3, words[j]);
        }
        assertEquals(oracle[0], e.intercept(), 1.5e-3);
    }

    /** {intercept, w_0..w_{d-1}} of the enumerated, multiplicity-weighted neighbourhood for {@code numSamples}. */
    static double[] enumeratedOracle(String text, java.util.function.Function<List<String>, Matrix> f,
            int numSamples) {
        IndexedText t = new IndexedText(text, Pattern.compile("\\W+", Pattern.UNICODE_CHARACTER_CLASS), true,
                "UNKWORDZ");
        int d = t.numFeatures();
        List<double[]> rows = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        double[] ones = new double[d];
        java.util.Arrays.fill(ones, 1);
        rows.add(ones);
        weights.add(1.0);
        texts.add(text);
        for (int mask = 0; mask < (1 << d) - 1; mask++) {
            double[] row = new double[d];
            boolean[] kept = new boolean[d];
            int k = 0;
            for (int j = 0; j < d; j++) {
                kept[j] = ((mask >> j) & 1) == 1;
                row[j] = kept[j] ? 1 : 0;
                k += kept[j] ? 1 : 0;
            }
            int r = d - k;
            double dist = (k == 0 ? 1.0 : 1.0 - Math.sqrt((double) k / d)) * 100;
            double kernel = Math.sqrt(Math.exp(-dist * dist / (25.0 * 25.0)));
            double multiplicity = (numSamples - 1.0) / (d * TestModels.binomial(d, r));
            rows.add(row);
            weights.add(kernel * multiplicity);
            texts.add(t.inverseRemoving(kept, new StringBuilder()));
        }
        Matrix p = f.apply(texts);
        double[] y = new double[texts.size()];
        double[] w = new double[texts.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = p.get(i, 1);
            w[i] = weights.get(i);
        }
        return TestModels.ridgeOracle(rows.toArray(new double[0][]), y, w, 1.0);
    }

    @Test
    void recordsSeedAndReplays() {
        LimeTextExplainer ex = LimeTextExplainer.builder().seed(11).build();
        Explanation a = ex.explainInstance(TEXT, TestModels::sentiment, 10);
        Explanation b = LimeTextExplainer.builder().seed(11).build().explainInstance(TEXT, TestModels::sentiment, 10);
        assertEquals(a.weights(), b.weights());
        assertEquals(11L, a.seed().getAsLong());
        Explanation c = LimeTextExplainer.builder().randomness(org.botsec.core.rand.Randomness.replayable(11)).build()
                .explainInstance(TEXT, TestModels::sentiment, 10);
        assertEquals(a.weights(), c.weights());
        Explanation s = LimeTextExplainer.builder().randomness(org.botsec.core.rand.Randomness.secure()).build()
                .explainInstance(TEXT, TestModels::sentiment, 10);
        Explanation replay = LimeTextExplainer.builder().seed(s.seed().getAsLong()).build()
                .explainInstance(TEXT, TestModels::sentiment, 10);
        assertEquals(s.weights(), replay.weights(), "the recorded seed replays a secure source's explanation");
        assertEquals(5000, a.numSamples());
        assertEquals(List.of("0", "1"), a.classNames());
        // the local model is a good fit for this near-additive model
        assertTrue(a.score() > 0.9, "score " + a.score());
    }

    @Test
    void featureSelectionModesPickRequestedNumber() {
        String text = "The movie was good, boring and bad but the actors were fine";
        for (FeatureSelection fs : FeatureSelection.values()) {
            Explanation e = LimeTextExplainer.builder().seed(1).featureSelection(fs).build()
                    .explainInstance(text, TestModels::sentiment, 3, 3000, 1);
            if (fs == FeatureSelection.NONE) {
                assertEquals(12, e.weights().size(), fs.name()); // distinct case-sensitive words
            } else {
                assertEquals(3, e.weights().size(), fs.name());
                // the three strongest words of the model are found by every selection method
                List<String> top = e.weights().stream().map(FeatureWeight::feature).sorted().toList();
                assertEquals(List.of("bad", "boring", "good"), top, fs.name());
            }
        }
    }

    @Test
    void positionalModeHasOneFeaturePerOccurrence() {
        Explanation e = LimeTextExplainer.builder().seed(2).bow(false).build()
                .explainInstance("good movie good", TestModels::sentiment, 10, 2000, 1);
        assertEquals(3, e.weights().size());
        // removing one "good" leaves the other, so each occurrence alone matters less than the word in bow mode
        Explanation bow = LimeTextExplainer.builder().seed(2).build()
                .explainInstance("good movie good", TestModels::sentiment, 10, 2000, 1);
        assertTrue(bow.weightOf("good") > e.weights().get(0).weight());
    }

    @Test
    void rejectsBadInput() {
        LimeTextExplainer ex = LimeTextExplainer.builder().seed(1).build();
        assertThrows(BadInputException.class, () -> ex.explainInstance("!!! ...", TestModels::sentiment, 10));
        assertThrows(BadInputException.class, () -> ex.explainInstance(TEXT, TestModels::sentiment, 0));
        assertThrows(BadInputException.class, () -> ex.explainInstance(TEXT, TestModels::sentiment, 5, 100, 2));
        assertThrows(BadInputException.class, () -> ex.explainInstance(TEXT, TestModels::sentiment, 5, 1, 1));
        assertThrows(BadInputException.class, () -> LimeTextExplainer.builder().classNames("a", "b", "c").build()
                .explainInstance(TEXT, TestModels::sentiment, 5));
        assertThrows(BadInputException.class, () -> LimeTextExplainer.builder().kernelWidth(-1));
        BadInputException twice = assertThrows(BadInputException.class,
                () -> LimeTextExplainer.builder().seed(1).randomness(org.botsec.core.rand.Randomness.replayable(2)));
        assertTrue(twice.getMessage().contains("seed is set twice"), twice.getMessage());
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            many.append("w").append(i).append(' ');
        }
        BadInputException big = assertThrows(BadInputException.class,
                () -> ex.explainInstance(many.toString(), TestModels::sentiment, 5, 2_000_000, 1));
        // SampleLimits: 30 words × samples ≤ 50,000,000 values → at most 1,666,666 samples
        assertTrue(big.getMessage().contains("must be in [2, 1666666] for 30 words"), big.getMessage());
        ex.explainInstance(many.toString(), TestModels::sentiment, 5, 2, 1); // the lower end is allowed
    }
}
