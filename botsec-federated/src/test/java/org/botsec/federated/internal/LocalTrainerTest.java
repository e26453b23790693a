package org.botsec.federated.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.Test;

/** FedProx (Li et al. 2020): the proximal term μ(w − w_global) keeps the local model near the global one. */
class LocalTrainerTest {
    @Test
    void proximalTermShrinksTheLocalDrift() {
        Dataset d = Builtins.load("digits8x8", Split.TRAIN);
        int[] rows = IntStream.range(0, 200).toArray();
        double[] norms = new double[3];
        double[] mus = {0, 1, 10};
        for (int k = 0; k < 3; k++) {
            LinearModel m = LinearModel.zeros(d.featureNames(), d.classNames());
            double[] global = new double[m.numParameters()];
            double[] delta = new double[global.length];
            new LocalTrainer(m).train(d, rows, global, 5, 10, 0.05, mus[k], new SplittableRandom(1), delta);
            double s = 0;
            for (double v : delta) {
                s += v * v;
            }
            norms[k] = Math.sqrt(s);
        }
        assertTrue(norms[0] > norms[1] && norms[1] > norms[2], java.util.Arrays.toString(norms));
    }
}
