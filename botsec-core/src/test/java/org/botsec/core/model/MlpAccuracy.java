package org.botsec.core.model;

import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Trainer;

/** Shared helper of the accuracy-floor tests: train on a built-in TRAIN split, score on its TEST split. */
final class MlpAccuracy {
    private MlpAccuracy() {
    }

    /** Test accuracy of an MLP with the given hidden widths trained by {@code trainer} (init seed 1). */
    static double trainAndScore(String name, int[] hidden, Trainer trainer) {
        Dataset train = Builtins.load(name, Split.TRAIN);
        Dataset test = Builtins.load(name, Split.TEST);
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = train.numFeatures();
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = train.numClasses();
        Mlp mlp = Mlp.create(sizes, train.featureNames(), train.classNames(), Randomness.replayable(1));
        long t0 = System.nanoTime();
        Mlp trained = trainer.fit(mlp, train);
        double acc = accuracy(trained, test);
        System.out.printf("%s: %d train / %d test, layers %s, %d epochs: test accuracy %.4f (%.1f s)%n", name,
                train.size(), test.size(), java.util.Arrays.toString(sizes), trainer.epochs(), acc,
                (System.nanoTime() - t0) / 1e9);
        return acc;
    }

    static double accuracy(Classifier model, Dataset d) {
        Matrix p = model.predictProba(d.x());
        int correct = 0;
        for (int i = 0; i < d.size(); i++) {
            int best = 0;
            for (int c = 1; c < p.cols(); c++) {
                if (p.get(i, c) > p.get(i, best)) {
                    best = c;
                }
            }
            correct += best == d.y()[i] ? 1 : 0;
        }
        return (double) correct / d.size();
    }
}
