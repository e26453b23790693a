package org.botsec.attack.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.botsec.attack.text.internal.Words;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextClassifier;
import org.botsec.core.model.TextPipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The word-level attack on BotSec's TF-IDF + logistic regression model of the Sentiment Labelled Sentences (UCI,
 * Kotzias et al. 2015; built-in {@code sentiment_sentences}, fixed 80/20 split). Oracles: every flipped text is
 * re-scored by the model and really changes its prediction; the reported changes rebuild the adversarial text
 * exactly; with one deleted word allowed the attack flips exactly the texts that a brute-force search over every
 * single-word deletion flips.
 */
class WordAttackTest {
    static TextPipeline model;
    static TextDataset test;

    @BeforeAll
    static void train() {
        model = TextPipeline.fit(Builtins.loadText("sentiment_sentences", Split.TRAIN),
                LogisticRegression.builder().build());
        test = Builtins.loadText("sentiment_sentences", Split.TEST);
    }

    private static int argmax(Matrix p, int row) {
        return p.get(row, 1) > p.get(row, 0) ? 1 : 0;
    }

    @Test
    void flippedTextsReallyFlipAndChangesAreReportedExactly() {
        WordAttackResult r = WordAttack.builder().maxWords(3).build().run(model, test.texts(), test.y());
        Matrix p = model.predictProba(r.adversarial());
        int[] clean = r.cleanPredictions();
        int[] adv = r.adversarialPredictions();
        for (int i = 0; i < test.size(); i++) {
            assertEquals(argmax(p, i), adv[i], "row " + i + ": reported prediction is the model's");
            assertTrue(r.wordsChanged(i) <= 3);
            // rebuild from the original and the reported changes
            List<Words.Span> spans = Words.spans(test.texts().get(i));
            List<String> tokens = new ArrayList<>();
            spans.forEach(s -> tokens.add(s.token()));
            for (WordChange c : r.changes().get(i)) {
                assertEquals(tokens.get(c.position()), c.original());
                tokens.set(c.position(), c.replacement());
            }
            List<String> expected = new ArrayList<>();
            tokens.forEach(tk -> {
                if (!tk.isEmpty()) {
                    expected.add(tk);
                }
            });
            List<String> got = new ArrayList<>();
            Words.spans(r.adversarial().get(i)).forEach(s -> got.add(s.token()));
            assertEquals(expected, got, "row " + i);
            if (clean[i] != test.y()[i]) {
                assertEquals(0, r.wordsChanged(i), "misclassified texts are not attacked");
            }
        }
        var m = r.metrics();
        System.out.printf("text attack (sentiment, 600 test sentences, <= 3 words, vocabulary edits): clean %.3f, "
                + "robust %.3f, success %.3f, %.2f words changed per flipped text (%.1f%% of its words), "
                + "%.1f queries per text%n", m.get("clean_accuracy"), m.get("robust_accuracy"), m.get("success_rate"),
                m.get("mean_words_changed"), 100 * m.get("mean_fraction_changed"), m.get("mean_queries"));
        assertTrue(m.get("success_rate") > 0.5, "a bag-of-words model falls to a few word edits");
        assertTrue(m.get("mean_words_changed") >= 1 && m.get("mean_words_changed") <= 3);
        assertEquals("evasion.text", r.toReport().attack());
    }

    /** With one deletion allowed, greedy = exhaustive for a two-class model: the same texts flip. */
    @Test
    void oneDeletionMatchesBruteForce() {
        List<String> texts = test.texts().subList(0, 300);
        int[] y = java.util.Arrays.copyOf(test.y(), 300);
        WordAttackResult r = WordAttack.builder().maxWords(1).edits(WordEdits.DELETE).build().run(model, texts, y);
        Matrix p0 = model.predictProba(texts);
        int agree = 0;
        int flips = 0;
        for (int i = 0; i < texts.size(); i++) {
            boolean bruteForce = false;
            if (argmax(p0, i) == y[i]) {
                List<Words.Span> spans = Words.spans(texts.get(i));
                List<String> variants = new ArrayList<>();
                for (Words.Span s : spans) {
                    variants.add(texts.get(i).substring(0, s.start()) + texts.get(i).substring(s.end()));
                }
                if (!variants.isEmpty()) {
                    Matrix pv = model.predictProba(variants);
                    for (int v = 0; v < variants.size(); v++) {
                        bruteForce |= argmax(pv, v) != y[i];
                    }
                }
            }
            boolean attack = r.cleanPredictions()[i] == y[i] && r.adversarialPredictions()[i] != y[i];
            agree += attack == bruteForce ? 1 : 0;
            flips += bruteForce ? 1 : 0;
        }
        System.out.printf("one deletion: %d of 300 texts flip by brute force; attack agrees on %d%n", flips, agree);
        assertEquals(300, agree);
        assertTrue(flips > 0);
    }

    @Test
    void gradientGuidanceNeedsNoRankingQueries() {
        List<String> texts = test.texts().subList(0, 100);
        int[] y = java.util.Arrays.copyOf(test.y(), 100);
        WordAttackResult g = WordAttack.builder().guidance(WordGuidance.GRADIENT).maxWords(3).build()
                .run(model, texts, y);
        WordAttackResult d = WordAttack.builder().maxWords(3).build().run(model, texts, y);
        System.out.printf("gradient guidance: success %.3f with %.1f queries; deletion: %.3f with %.1f%n",
                g.metrics().get("success_rate"), g.metrics().get("mean_queries"), d.metrics().get("success_rate"),
                d.metrics().get("mean_queries"));
        assertTrue(g.metrics().get("mean_queries") < d.metrics().get("mean_queries"));
        assertTrue(g.metrics().get("success_rate") >= d.metrics().get("success_rate") - 0.1);
    }

    @Test
    void blackBoxModelsGetBlackBoxOptionsOnly() {
        TextClassifier blackBox = new TextClassifier() {
            @Override
            public Matrix predictProba(List<String> texts) {
                return model.predictProba(texts);
            }

            @Override
            public List<String> classNames() {
                return model.classNames();
            }
        };
        List<String> one = test.texts().subList(0, 20);
        int[] y = java.util.Arrays.copyOf(test.y(), 20);
        assertTrue(assertThrows(BadInputException.class, () -> WordAttack.builder().build().run(blackBox, one, y))
                .getMessage().contains("vocabulary edits need a model that exposes its vocabulary"));
        assertTrue(assertThrows(BadInputException.class, () -> WordAttack.builder().edits(WordEdits.TYPOS)
                .guidance(WordGuidance.GRADIENT).build().run(blackBox, one, y)).getMessage().contains("deletion"));
        WordAttackResult r = WordAttack.builder().edits(WordEdits.TYPOS).build().run(blackBox, one, y);
        assertEquals(20, r.adversarial().size());
        assertThrows(BadInputException.class, () -> WordAttack.builder().maxWords(0).build());
        assertThrows(IllegalStateException.class, () -> WordAttack.builder().maxWords(1).maxWords(2));
    }

    @Test
    void candidateEdits() {
        assertEquals(List.of("gerat", "graet"), Words.swaps("great", s -> true));
        assertEquals(List.of("bed"), Words.vocabularyNeighbours("bad", s -> s.equals("bed") || s.equals("bad"), 5));
        List<Words.Span> s = Words.spans("It's GREAT, a 10/10!");
        assertEquals(List.of("it", "great", "10", "10"), s.stream().map(Words.Span::token).toList());
    }
}
