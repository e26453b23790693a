package org.botsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.botsec.attack.ModelQueries;
import org.botsec.attack.QueryCounter;
import org.botsec.attack.inference.MembershipData;
import org.botsec.attack.inference.MembershipInference;
import org.botsec.attack.inference.MembershipMethod;
import org.botsec.attack.inference.ModelExtraction;
import org.botsec.attack.inference.ShadowTrainers;
import org.botsec.attack.text.WordAttack;
import org.botsec.attack.text.WordAttackResult;
import org.botsec.attack.text.WordGuidance;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.GradientModel;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextPipeline;
import org.junit.jupiter.api.Test;

/**
 * Model queries counted by {@link QueryCounter}'s wrapper, against counts worked out by hand from each attack's
 * loop structure (the golden digits model, small cases). The reference is the algorithm as written: every model
 * call is listed in the comment of each case.
 */
class QueryCountTest {
    static final LinearModel MODEL = DigitsGolden.model();
    static final Matrix X5 = DigitsGolden.testX().selectRows(new int[] {0, 1, 2, 3, 4});
    static final int[] Y5 = Arrays.copyOf(DigitsGolden.testY(), 5);

    @Test
    void fgsmAndPgdCountGradientsOnBothPaths() {
        // the linear kernel (LinearModel inside the wrapper) and the general path (any other GradientModel) count alike
        for (GradientModel m : List.of(MODEL, LinearKernelTest.general(MODEL))) {
            // FGSM run: clean predictions (1 call, 5 rows), 1 gradient of 5 rows, adversarial predictions (1 call)
            QueryCounter c = new QueryCounter();
            GradientAttack.fgsm().epsilon(0.1).build().run(c.wrap(m), X5, Y5);
            assertEquals(new ModelQueries(2, 10, 1, 5), c.counts());
            // PGD, 3 steps, 2 random starts: clean predictions; per start 3 gradients (5 rows each) and 1 prediction
            // to keep each row's best start; adversarial predictions: 4 prediction calls (20 rows), 6 gradients
            QueryCounter p = new QueryCounter();
            GradientAttack.pgd().epsilon(0.1).steps(3).stepSize(0.05).randomStarts(2).seed(1).build()
                    .run(p.wrap(m), X5, Y5);
            assertEquals(new ModelQueries(4, 20, 6, 30), p.counts());
            assertEquals(50, p.counts().totalRows());
        }
    }

    @Test
    void hopSkipJumpCountsEveryDecisionAndStaysInBudget() {
        // per row: 1 clean prediction (batched) + every decision the row's search asks (its per-row count); then the
        // adversarial predictions of all rows (1 call) — no gradients
        QueryCounter c = new QueryCounter();
        HopSkipJumpResult r = HopSkipJump.builder().maxQueries(37).seed(2).build().run(c.wrap((Classifier) MODEL), X5,
                Y5);
        long perRow = Arrays.stream(r.evasion().queries()).sum();
        assertEquals(perRow + 5, c.counts().predictRows());
        assertEquals(0, c.counts().gradientCalls());
        assertTrue(Arrays.stream(r.evasion().queries()).allMatch(q -> q <= 37));
    }

    @Test
    void jsmaOneFeaturePairPerRow() {
        // γ·d = 2: one saliency step (one feature pair) per row whose clean prediction is not already its target
        // class (here the next class: every one of the five rows). Calls: clean predictions (which also pick each
        // row's target), 1 gradient of the active rows, 1 prediction of those rows (the budget then stops them),
        // adversarial predictions
        QueryCounter c = new QueryCounter();
        JsmaResult r = JsmaAttack.builder().gamma(2.0 / 64).targetClass(TargetClass.NEXT).build()
                .run(c.wrap((GradientModel) MODEL), X5, Y5);
        int[] clean = r.evasion().cleanPredictions();
        for (int i = 0; i < 5; i++) {
            assertTrue(clean[i] != (Y5[i] + 1) % 10, "row " + i + " is attacked");
        }
        assertEquals(new ModelQueries(3, 15, 1, 5), c.counts());
        // the attack's own per-row count has the gradient and the prediction, not the clean and final batches
        assertEquals(Arrays.stream(r.evasion().queries()).sum() + 2 * 5, c.counts().totalRows());
    }

    @Test
    void membershipThresholdAsksOnceForEveryCandidate() {
        Dataset train = DataSources.loadNumeric("builtin:digits8x8:train", null);
        Dataset test = DataSources.loadNumeric("builtin:digits8x8:test", null);
        Dataset members = train.subset(IntStream.range(0, 20).toArray());
        Dataset non = test.subset(IntStream.range(0, 30).toArray());
        QueryCounter c = new QueryCounter();
        Classifier target = c.wrap((Classifier) MODEL);
        MembershipInference.builder(MembershipMethod.THRESHOLD).build()
                .run(target, MembershipData.forModel(target, members, non));
        // the losses of the members (1 call, 20 rows) and of the non-members (1 call, 30 rows)
        assertEquals(new ModelQueries(2, 50, 0, 0), c.counts());
    }

    @Test
    void extractionAsksForTheLargestBudgetAndTheTestSet() {
        Dataset train = DataSources.loadNumeric("builtin:digits8x8:train", null);
        Dataset test = DataSources.loadNumeric("builtin:digits8x8:test", null).subset(IntStream.range(0, 20).toArray());
        QueryCounter c = new QueryCounter();
        Classifier victim = c.wrap((Classifier) MODEL);
        ModelExtraction.run(victim, train.x(), MembershipData.alignToModel(victim, test, "test"), new int[] {10, 30},
                ModelExtraction.QuerySource.POOL, ShadowTrainers.like(victim), 4);
        // the victim labels the 30 queries once (smaller budgets use a prefix) and the 20 test rows once (fidelity)
        assertEquals(new ModelQueries(2, 50, 0, 0), c.counts());
    }

    @Test
    void wordAttackCountsTextsAndGradients() {
        TextPipeline model = TextPipeline.fit(Builtins.loadText("sentiment_sentences", Split.TRAIN),
                LogisticRegression.builder().build());
        TextDataset test = Builtins.loadText("sentiment_sentences", Split.TEST);
        List<String> texts = test.texts().subList(0, 8);
        int[] y = Arrays.copyOf(test.y(), 8);
        // deletion ranking: every text's own count (its clean prediction, one deletion per word, the candidates)
        QueryCounter c = new QueryCounter();
        WordAttackResult r = WordAttack.builder().maxWords(2).build().run(c.wrap(model), texts, y);
        long perText = Arrays.stream(r.queries()).sum();
        assertEquals(perText, c.counts().predictRows());
        assertEquals(0, c.counts().gradientCalls());
        // gradient ranking (through the wrapper): one TF-IDF gradient per attacked text
        QueryCounter g = new QueryCounter();
        WordAttackResult rg = WordAttack.builder().maxWords(2).guidance(WordGuidance.GRADIENT).build()
                .run(g.wrap(model), texts, y);
        int attacked = 0;
        for (int i = 0; i < 8; i++) {
            attacked += rg.cleanPredictions()[i] == y[i] && !texts.get(i).isBlank() ? 1 : 0;
        }
        assertEquals(attacked, g.counts().gradientCalls());
        assertEquals(Arrays.stream(rg.queries()).sum(), g.counts().predictRows());
    }
}
