package org.botsec.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * Accuracy floor on digits8x8 (builtin stratified 80/20 split, 1,438 / 359 images). Reference: an MLP reaches
 * about 0.97-0.98 on this set (scikit-learn's MLPClassifier examples); the floor 0.95 catches a broken forward
 * pass, gradient or optimiser. Measured with these seeds: 0.9889.
 */
class MlpDigitsAccuracyTest {
    @Test
    void digits8x8ReachesFloor() {
        Trainer trainer = Trainer.builder().optimizer(Adam.builder().learningRate(3e-3).build()).epochs(30)
                .batchSize(32).randomness(Randomness.replayable(2)).build();
        double acc = MlpAccuracy.trainAndScore("digits8x8", new int[] {128}, trainer);
        assertTrue(acc >= 0.95, "digits8x8 test accuracy " + acc);
    }
}
