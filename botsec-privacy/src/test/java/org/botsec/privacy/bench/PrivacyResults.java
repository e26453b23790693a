package org.botsec.privacy.bench;

import java.util.Locale;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;
import org.botsec.core.train.TrainingListener;
import org.botsec.privacy.DpProgressListener;
import org.botsec.privacy.DpResult;
import org.botsec.privacy.DpSgdConfig;
import org.botsec.privacy.DpTraining;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.privacy.accountant.NoiseCalibration;

/**
 * Produces the results table of docs/privacy.md: MLP 784-512-10 on a built-in image set, C = 1.0, B = 256,
 * DP-Adam, test accuracy at ε ≈ 1, 3, 8 (δ = 1e-5, RDP accountant, σ calibrated for the planned steps) beside
 * the same network trained without DP. Usage: {@code PrivacyResults DATASET EPOCHS [LEARNING_RATE]}.
 */
public final class PrivacyResults {
    private PrivacyResults() {
    }

    static double accuracy(Mlp model, Dataset d) {
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

    public static void main(String[] args) {
        String name = args[0];
        int epochs = Integer.parseInt(args[1]);
        double lr = args.length > 2 ? Double.parseDouble(args[2]) : 1e-3;
        Dataset train = Builtins.load(name, Split.TRAIN);
        Dataset test = Builtins.load(name, Split.TEST);
        int[] layers = {784, 512, 10};
        int batch = 256;
        long t0 = System.nanoTime();
        Mlp plain = Trainer.builder().optimizer(Adam.builder().learningRate(lr).build()).epochs(epochs)
                .batchSize(batch).randomness(Randomness.replayable(2)).listener(TrainingListener.NONE).build()
                .fit(Mlp.create(layers, train.featureNames(), train.classNames(), Randomness.replayable(1)), train);
        System.out.printf(Locale.ROOT, "%s n=%d test=%d epochs=%d lr=%g non-private: test accuracy %.4f (%.0f s)%n",
                name, train.size(), test.size(), epochs, lr, accuracy(plain, test), (System.nanoTime() - t0) / 1e9);
        double q = (double) batch / train.size();
        long steps = (long) Math.ceil((double) epochs * train.size() / batch);
        for (double target : new double[] {1, 3, 8}) {
            t0 = System.nanoTime();
            double sigma = NoiseCalibration.noiseMultiplier(target, 1e-5, q, steps, AccountantType.RDP);
            Mlp mlp = Mlp.create(layers, train.featureNames(), train.classNames(), Randomness.replayable(1));
            DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(sigma).learningRate(lr).adam()
                    .batchSize(batch).epochs(epochs).delta(1e-5).build();
            DpResult r = DpTraining.train(mlp, train.x(), train.y(), config, DpProgressListener.none());
            System.out.printf(Locale.ROOT, "%s target eps %.0f: sigma %.4f, %d steps, eps %.3f (rdp, delta 1e-5), "
                    + "test accuracy %.4f (%.0f s)%n", name, target, sigma, r.stepsTaken(), r.spent().epsilon(),
                    accuracy(mlp, test), (System.nanoTime() - t0) / 1e9);
        }
    }
}
