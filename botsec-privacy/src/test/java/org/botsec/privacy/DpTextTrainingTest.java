package org.botsec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.api.Test;

/** DP text pipeline on the built-in sentiment sentences, with each kind of vocabulary. */
class DpTextTrainingTest {
    static double accuracy(DpTextTraining.Result r, TextDataset test) {
        Matrix p = r.pipeline().predictProba(test.texts());
        int ok = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = p.get(i, 1) > p.get(i, 0) ? 1 : 0;
            ok += best == test.y()[i] ? 1 : 0;
        }
        return (double) ok / test.size();
    }

    static DpSgdConfig config() {
        return DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(0.8).learningRate(0.5).momentum(0.9)
                .batchSize(100).epochs(15).delta(1e-5).insecureSeed(11).build();
    }

    @Test
    void dpVocabularyAndDpSgdComposeAndLearn() {
        TextDataset train = Builtins.loadText("sentiment_sentences", Split.TRAIN);
        TextDataset test = Builtins.loadText("sentiment_sentences", Split.TEST);
        DpTextTraining.Result r = DpTextTraining.train(train, config(),
                new TextVocabulary.DifferentiallyPrivate(1.0, 1e-6, 20, 2000), DpProgressListener.none());
        Map<String, Object> p = r.provenance();
        assertEquals("differentially_private", p.get("preprocessing"));
        assertEquals(r.dpSgd().spent().epsilon() + 1.0, (double) p.get("epsilon_total"), 1e-12);
        assertEquals(1e-5 + 1e-6, (double) p.get("delta_total"), 1e-18);
        int v = r.pipeline().vectorizer().numFeatures();
        assertTrue(v > 20 && v <= 2000, "vocabulary size " + v);
        double acc = accuracy(r, test);
        assertTrue(acc > 0.6, "test accuracy " + acc + " with " + v + " DP terms");
    }

    @Test
    void privateVocabularyIsLabelledNotCovered() {
        TextDataset train = Builtins.loadText("sentiment_sentences", Split.TRAIN);
        DpTextTraining.Result r = DpTextTraining.train(train, config(), new TextVocabulary.FittedOnPrivateData(500),
                DpProgressListener.none());
        assertEquals("fitted_on_private_data", r.provenance().get("preprocessing"));
        assertTrue(((String) r.provenance().get("preprocessing_note")).contains("NOT covered"));
        DpTextTraining.Result pub = DpTextTraining.train(train, config(),
                new TextVocabulary.Public(List.of("good", "bad", "great", "not", "movie")), DpProgressListener.none());
        assertEquals("public_or_fixed", pub.provenance().get("preprocessing"));
        assertEquals(5, pub.pipeline().vectorizer().numFeatures());
    }
}
