package org.botsec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.Standardizer;
import org.botsec.core.data.TextDataset;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.rand.Randomness;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.privacy.accountant.PrivacyAccountant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade: the typed guarantee it states (composed total, components, covers / not covered, noise) and the one
 * meaning of the budget. ε values are checked against the accountant ({@link PrivacyAccountant}, itself checked
 * against dp_accounting 0.6.0 golden values) plus the DP vocabulary's ε by basic composition.
 */
class PrivateTrainingTest {
    @TempDir
    Path dir;

    static double accuracy(TextPipeline p, TextDataset test) {
        Matrix proba = p.predictProba(test.texts());
        int ok = 0;
        for (int i = 0; i < test.size(); i++) {
            ok += (proba.get(i, 1) > proba.get(i, 0) ? 1 : 0) == test.y()[i] ? 1 : 0;
        }
        return (double) ok / test.size();
    }

    static DpSgdConfig.Builder text(int epochs) {
        return DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(0.8).learningRate(0.5).momentum(0.9)
                .batchSize(100).epochs(epochs).delta(1e-5);
    }

    @Test
    void dpVocabularyAndDpSgdComposeIntoOneTotal() {
        TextDataset train = Builtins.loadText("sentiment_sentences", Split.TRAIN);
        TextDataset test = Builtins.loadText("sentiment_sentences", Split.TEST);
        PrivateTraining.Trained<TextPipeline> t = PrivateTraining.builder().config(text(15).insecureSeed(11).build())
                .preprocessing(new TextVocabulary.DifferentiallyPrivate(1.0, 1e-6, 20, 2000)).build().train(train);
        PrivacyGuarantee g = t.guarantee();
        double sgd = PrivacyAccountant.epsilon(AccountantType.RDP, 0.8, 100.0 / train.size(), t.dpSgd().stepsTaken(),
                1e-5).epsilon();
        assertEquals(sgd + 1.0, g.epsilon(), 1e-12, "total = DP-SGD + DP vocabulary");
        assertEquals(1e-5 + 1e-6, g.delta(), 1e-18);
        assertEquals(List.of("dp-vocabulary", "dp-sgd"), g.components().stream().map(c -> c.name()).toList());
        assertEquals(sgd, g.components().get(1).epsilon(), 1e-12);
        assertTrue(g.notCovered().isEmpty(), g.notCovered().toString());
        assertFalse(g.holdsEndToEnd(), "seeded noise");
        assertEquals("seeded (not private)", g.noise().label());
        assertEquals(PrivacyGuarantee.Unit.EXAMPLE, g.unit());
        assertEquals(PrivacyGuarantee.Relation.ADD_REMOVE, g.relation());
        assertEquals(PrivacyGuarantee.Sampling.POISSON, g.sampling());
        assertEquals(t.provenance(), t.model().linearModel().provenance().orElseThrow());
        int v = t.model().vectorizer().numFeatures();
        assertTrue(v > 20 && v <= 2000, "vocabulary size " + v);
        double acc = accuracy(t.model(), test);
        assertTrue(acc > 0.6, "test accuracy " + acc + " with " + v + " DP terms");
    }

    /**
     * The budget is the composed total: DP-SGD gets the target minus the vocabulary's ε. Fails if the vocabulary's
     * ε is dropped from the total (total below the accountant's sum) or from the budget (total above the target).
     */
    @Test
    void theBudgetCoversTheVocabularyToo() {
        TextDataset train = Builtins.loadText("sentiment_sentences", Split.TRAIN);
        double q = 100.0 / train.size();
        PrivateTraining.Trained<TextPipeline> t = PrivateTraining.builder()
                .config(DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.5).learningRate(0.5).momentum(0.9)
                        .batchSize(100).epochs(40).delta(1e-5).targetEpsilon(4.0).insecureSeed(2).build())
                .preprocessing(new TextVocabulary.DifferentiallyPrivate(1.5, 1e-6, 20, 500)).build().train(train);
        long steps = t.dpSgd().stepsTaken();
        assertTrue(t.dpSgd().stoppedByBudget(), "40 epochs at σ = 1.5 exceed ε = 2.5 for DP-SGD: " + steps);
        double sgd = PrivacyAccountant.epsilon(AccountantType.RDP, 1.5, q, steps, 1e-5).epsilon();
        double sgdNext = PrivacyAccountant.epsilon(AccountantType.RDP, 1.5, q, steps + 1, 1e-5).epsilon();
        assertEquals(sgd + 1.5, t.guarantee().epsilon(), 1e-12);
        assertTrue(t.guarantee().epsilon() <= 4.0, "total within the budget: " + t.guarantee().epsilon());
        assertTrue(sgdNext + 1.5 > 4.0, "the last step within the total budget");
        assertEquals(2.5, t.dpSgd().targetEpsilon(), 1e-12, "DP-SGD's share");
        Map<String, Object> sgdParams = t.guarantee().components().get(1).parameters();
        assertEquals(2.5, (double) sgdParams.get("target_epsilon"), 1e-12);
        assertEquals(4.0, (double) sgdParams.get("target_epsilon_total"), 0.0);

        BadInputException e = assertThrows(BadInputException.class, () -> PrivateTraining.builder()
                .config(text(15).targetEpsilon(1.0).build())
                .preprocessing(new TextVocabulary.DifferentiallyPrivate(1.0, 1e-6, 20, 500)).build().train(train));
        assertTrue(e.getMessage().startsWith("target epsilon 1.0 is unreachable: the DP vocabulary alone spends "
                + "epsilon 1.0"), e.getMessage());
    }

    @Test
    void vocabulariesFromPrivateDataAreNotCovered() {
        TextDataset train = Builtins.loadText("sentiment_sentences", Split.TRAIN);
        PrivacyGuarantee priv = PrivateTraining.builder().config(text(2).build()).preprocessing(
                new TextVocabulary.FittedOnPrivateData(500)).build().train(train).guarantee();
        assertEquals(1, priv.notCovered().size());
        assertTrue(priv.notCovered().get(0).contains("vocabulary"), priv.notCovered().toString());
        assertTrue(priv.noise().secure(), "secure noise by default");
        assertFalse(priv.holdsEndToEnd());
        PrivateTraining.Trained<TextPipeline> pub = PrivateTraining.builder().config(text(2).build())
                .preprocessing(new TextVocabulary.Public(List.of("good", "bad", "great", "not", "movie"))).build()
                .train(train);
        assertTrue(pub.guarantee().holdsEndToEnd(), pub.guarantee().toString());
        assertEquals(5, pub.model().vectorizer().numFeatures());
        assertEquals(1, pub.guarantee().components().size());
        assertEquals(pub.dpSgd().spent().epsilon(), pub.guarantee().epsilon(), 0.0);
    }

    @Test
    void numericPreprocessingIsStatedAndTheGuaranteeSurvivesTheModelFile() {
        Dataset train = Builtins.load("breast_cancer", Split.TRAIN);
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.1).learningRate(0.5)
                .batchSize(64).epochs(3).delta(1e-5).insecureSeed(4).build();
        PrivateTraining.Trained<LinearModel> fitted = PrivateTraining.builder().config(config)
                .preprocessing(Preprocessing.scalerFittedOnPrivateData()).build()
                .train(LinearModel.zeros(train.featureNames(), train.classNames()), train);
        assertTrue(fitted.model().scaler().isPresent());
        assertTrue(fitted.guarantee().notCovered().get(0).contains("standardizer"));
        double eps = PrivacyAccountant.epsilon(AccountantType.RDP, 1.1, 64.0 / train.size(),
                (long) Math.ceil(3.0 * train.size() / 64), 1e-5).epsilon();
        assertEquals(eps, fitted.guarantee().epsilon(), 1e-12);

        Path file = dir.resolve("m.safetensors");
        ModelFiles.save(fitted.model(), file);
        PrivacyGuarantee back = ((LinearModel) ModelFiles.load(file)).provenance().orElseThrow().privacy().orElseThrow();
        assertEquals(fitted.guarantee(), back);

        Standardizer pub = Standardizer.of(new double[train.numFeatures()], filled(train.numFeatures(), 1000.0));
        PrivateTraining.Trained<LinearModel> covered = PrivateTraining.builder().config(config)
                .preprocessing(Preprocessing.publicScaler(pub, "fixed bounds [0, 1000]")).build()
                .train(LinearModel.zeros(train.featureNames(), train.classNames()), train);
        assertTrue(covered.guarantee().notCovered().isEmpty());
        assertTrue(covered.guarantee().covers().get(1).contains("fixed bounds [0, 1000]"));

        Dataset digits = Builtins.load("digits8x8", Split.TRAIN);
        Mlp mlp = Mlp.create(new int[] {64, 8, 10}, digits.featureNames(), digits.classNames(),
                Randomness.replayable(1));
        PrivateTraining.Trained<Mlp> m = PrivateTraining.builder().config(config).preprocessing(Preprocessing.none())
                .seed(1).build().train(mlp, digits);
        assertEquals(m.provenance(), m.model().provenance().orElseThrow());
        assertEquals(1L, m.provenance().seed());
        assertEquals("dp-sgd/mlp", m.provenance().trainer());
        assertThrows(BadInputException.class, () -> PrivateTraining.builder().config(config)
                .preprocessing(Preprocessing.scalerFittedOnPrivateData()).build().train(mlp, digits));
    }

    @Test
    void microbatchesAndShuffleAreStated() {
        Dataset train = Builtins.load("breast_cancer", Split.TRAIN);
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.1).learningRate(0.5)
                .batchSize(64).numMicrobatches(8).epochs(1).delta(1e-5).sampling(Sampling.SHUFFLE).build();
        PrivacyGuarantee g = PrivateTraining.builder().config(config).preprocessing(Preprocessing.none()).build()
                .train(LinearModel.zeros(train.featureNames(), train.classNames()), train).guarantee();
        // sensitivity 2C: the accountant ran at σ/2
        assertEquals(PrivacyAccountant.epsilon(AccountantType.RDP, 0.55, 64.0 / train.size(), g.steps(), 1e-5)
                .epsilon(), g.epsilon(), 1e-12);
        assertEquals(1.1, g.noiseMultiplier(), 0.0);
        assertEquals(PrivacyGuarantee.Sampling.SHUFFLE, g.sampling());
        assertTrue(g.notCovered().get(0).contains("Poisson"), g.notCovered().toString());
    }

    @Test
    void validation() {
        Dataset train = Builtins.load("breast_cancer", Split.TRAIN);
        DpSgdConfig.Builder b = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.1).learningRate(0.5)
                .batchSize(64).epochs(3).delta(1e-5);
        DpSgdConfig config = b.build();
        assertEquals("config was already set", assertThrows(BadInputException.class,
                () -> PrivateTraining.builder().config(config).config(config)).getMessage());
        assertTrue(assertThrows(BadInputException.class, () -> PrivateTraining.builder().config(config).build())
                .getMessage().startsWith("PrivateTraining needs a preprocessing choice"));
        assertTrue(assertThrows(BadInputException.class, () -> PrivateTraining.builder()
                .config(DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(0).learningRate(0.5).batchSize(64)
                        .epochs(3).delta(1e-5).build()).preprocessing(Preprocessing.none()).build())
                .getMessage().startsWith("noise multiplier 0 adds no noise"));
        LinearModel scaled = LinearModel.zeros(train.featureNames(), train.classNames())
                .withScaler(java.util.Optional.of(Standardizer.fit(train.x())));
        assertTrue(assertThrows(BadInputException.class, () -> PrivateTraining.builder().config(config)
                .preprocessing(Preprocessing.none()).build().train(scaled, train)).getMessage()
                .startsWith("the model already has a standardizer"));
        BadInputException e = assertThrows(BadInputException.class, () -> PrivateTraining.builder()
                .config(DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.1).learningRate(0.5).batchSize(64)
                        .epochs(3).delta(1e-5).targetEpsilon(0.01).build())
                .preprocessing(Preprocessing.none()).build()
                .train(LinearModel.zeros(train.featureNames(), train.classNames()), train));
        assertTrue(e.getMessage().startsWith("target epsilon 0.01 is unreachable: a single step (noise multiplier "
                + "1.1, sample rate 0.140351) already spends epsilon"), e.getMessage());
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
