package org.botsec.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;

/** DP-SGD on core's own models (Mlp with ghost clipping, LinearModel) on the built-in digits8x8 data. */
class DpTrainingCoreModelsTest {
    static double accuracy(Classifier model, Dataset d) {
        Matrix p = model.predictProba(d.x());
        int ok = 0;
        for (int i = 0; i < d.size(); i++) {
            int best = 0;
            for (int c = 1; c < p.cols(); c++) {
                if (p.get(i, c) > p.get(i, best)) {
                    best = c;
                }
            }
            ok += best == d.y()[i] ? 1 : 0;
        }
        return (double) ok / d.size();
    }

    @Test
    void mlpLearnsDigitsPrivately() {
        Dataset train = Builtins.load("digits8x8", Split.TRAIN);
        Dataset test = Builtins.load("digits8x8", Split.TEST);
        Mlp mlp = Mlp.create(new int[] {64, 32, 10}, train.featureNames(), train.classNames(),
                Randomness.replayable(1));
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.0).learningRate(0.02)
                .adam().batchSize(64).epochs(15).delta(1e-4).insecureSeed(3).build();
        DpResult r = DpTraining.train(mlp, train.x(), train.y(), config, DpProgressListener.none());
        double acc = accuracy(mlp, test);
        assertTrue(acc > 0.8, "DP MLP test accuracy " + acc + " at ε " + r.spent().epsilon());
        assertTrue(r.spent().epsilon() < 10, "ε " + r.spent().epsilon());
    }

    @Test
    void logisticRegressionLearnsDigitsPrivately() {
        Dataset train = Builtins.load("digits8x8", Split.TRAIN);
        Dataset test = Builtins.load("digits8x8", Split.TEST);
        LinearModel lr = LinearModel.zeros(train.featureNames(), train.classNames());
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.0).learningRate(0.5)
                .momentum(0.9).batchSize(64).epochs(10).delta(1e-4).insecureSeed(4).build();
        DpTraining.train(lr, train.x(), train.y(), config, DpProgressListener.none());
        double acc = accuracy(lr, test);
        assertTrue(acc > 0.8, "DP logistic regression test accuracy " + acc);
    }
}
