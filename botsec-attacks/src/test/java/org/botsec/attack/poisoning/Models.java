package org.botsec.attack.poisoning;

import org.botsec.core.data.Dataset;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;

/** The MLP the tests poison: one hidden layer, Adam, fixed seed (as {@code botsec train --model mlp}). */
final class Models {
    private Models() {
    }

    static Mlp mlp(Dataset d, int hidden, int epochs, long seed) {
        Mlp init = Mlp.create(new int[]{d.numFeatures(), hidden, d.numClasses()}, d.featureNames(), d.classNames(),
                Randomness.replayable(seed));
        return Trainer.builder().optimizer(Adam.builder().learningRate(1e-3).build()).epochs(epochs).batchSize(64)
                .randomness(Randomness.replayable(seed)).build().fit(init, d);
    }
}
