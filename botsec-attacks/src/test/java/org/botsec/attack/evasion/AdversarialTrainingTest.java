package org.botsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * PGD adversarial training raises robust accuracy under the attack it was trained against (Madry et al. 2018): a
 * digits MLP trained the same number of epochs with and without it, attacked on the held-out split.
 */
class AdversarialTrainingTest {
    @Test
    void raisesRobustAccuracyOnHeldOutDigits() {
        Dataset train = Builtins.load("digits8x8", Split.TRAIN);
        Dataset test = Builtins.load("digits8x8", Split.TEST);
        Mlp init = Mlp.create(new int[] {64, 64, 10}, train.featureNames(), train.classNames(),
                Randomness.replayable(11));
        Mlp plain = Trainer.builder().optimizer(Adam.builder().learningRate(3e-3).build()).epochs(20).batchSize(64)
                .randomness(Randomness.replayable(12)).build().fit(init, train);
        GradientAttack trainAttack = GradientAttack.pgd().epsilon(0.1).steps(5).stepSize(0.04).randomStarts(1)
                .seed(13).build();
        Mlp robust = new AdversarialTraining(trainAttack, Adam.builder().learningRate(3e-3).build(), 20, 64, 0.0, 12)
                .fit(init, train);
        GradientAttack eval = GradientAttack.pgd().epsilon(0.1).steps(20).stepSize(0.01).build();
        EvasionResult before = eval.run(plain, test.x(), test.y());
        EvasionResult after = eval.run(robust, test.x(), test.y());
        System.out.printf("digits MLP, PGD-20 Linf 0.1: plain clean %.3f robust %.3f; adversarially trained clean "
                        + "%.3f robust %.3f%n", before.metrics().cleanAccuracy(), before.metrics().robustAccuracy(),
                after.metrics().cleanAccuracy(), after.metrics().robustAccuracy());
        assertTrue(after.metrics().robustAccuracy() > before.metrics().robustAccuracy() + 0.2,
                "gain " + (after.metrics().robustAccuracy() - before.metrics().robustAccuracy()));
        assertTrue(after.metrics().cleanAccuracy() > 0.85, "clean accuracy stays useful");
        assertEquals(AdversarialTraining.TRAINER, robust.provenance().orElseThrow().trainer());
    }

    @Test
    void rejectsBadSettings() {
        GradientAttack a = GradientAttack.fgsm().epsilon(0.1).build();
        assertThrows(BadInputException.class, () -> new AdversarialTraining(a, Adam.builder().build(), 0, 8, 0, 1));
        assertThrows(BadInputException.class, () -> new AdversarialTraining(a, Adam.builder().build(), 1, 0, 0, 1));
        assertThrows(BadInputException.class, () -> new AdversarialTraining(a, Adam.builder().build(), 1, 8, 1, 1));
    }
}
