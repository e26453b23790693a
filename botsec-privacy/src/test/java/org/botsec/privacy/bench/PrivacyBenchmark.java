package org.botsec.privacy.bench;

import java.util.Arrays;
import java.util.Locale;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Sgd;
import org.botsec.core.train.Trainer;
import org.botsec.core.train.TrainingListener;
import org.botsec.privacy.DpProgressListener;
import org.botsec.privacy.DpSgd;
import org.botsec.privacy.DpSgdConfig;
import org.botsec.privacy.DpTraining;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.privacy.accountant.PrivacyAccountant;

/**
 * Wall-clock benchmark (not a unit test; run by hand, see docs/privacy.md): accountant timings and DP vs
 * non-DP epoch time of an MLP 784-512-10 with batch 256 on mnist10k's training split. Plain System.nanoTime
 * around whole operations after warm-up runs; medians reported.
 */
public final class PrivacyBenchmark {
    private PrivacyBenchmark() {
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static double timeMs(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Process CPU time (all threads, BLAS workers included) of r, in ms: robust to other load on the machine. */
    static double cpuMs(Runnable r) {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        r.run();
        return (os.getProcessCpuTime() - c0) / 1e6;
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        if (what.equals("all") || what.equals("accountant")) {
            accountants();
        }
        if (what.equals("all") || what.equals("epoch")) {
            epochs();
        }
        if (what.equals("all") || what.equals("step")) {
            steps();
        }
    }

    /**
     * Per-step costs on one batch of 256 mnist10k rows, the operations interleaved round-robin (so that load
     * changes on the shared machine hit all of them alike), medians of {@code -Dreps} rounds after 10 warm-up
     * rounds: the non-DP gradient, the clipped sum by the two-call path and by the fused one pass, the secure and
     * seeded noise for one step (also the previous polar sampler and the DRBG's bytes alone), and whole DP-SGD
     * steps (clipped sum + noise + update) with each noise source.
     */
    static void steps() {
        Dataset train = Builtins.load("mnist10k", Split.TRAIN);
        int b = 256;
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
            rows[i] = i;
        }
        Matrix x = train.x().selectRows(rows);
        int[] y = new int[b];
        for (int i = 0; i < b; i++) {
            y[i] = train.y()[i];
        }
        int[] layers = {784, 512, 10};
        Mlp mlp = Mlp.create(layers, train.featureNames(), train.classNames(), Randomness.replayable(1));
        int p = mlp.numParameters();
        double[] g = new double[p];
        int[] groups = new int[b];
        for (int i = 0; i < b; i++) {
            groups[i] = i;
        }
        double[] weights = new double[b];
        org.botsec.privacy.internal.GaussianNoise secure =
                new org.botsec.privacy.internal.GaussianNoise(DpSgd.secureRandomness().generator());
        org.botsec.privacy.internal.GaussianNoise seeded =
                new org.botsec.privacy.internal.GaussianNoise(new java.util.SplittableRandom(3));
        PolarNoise polarSecure = new PolarNoise(DpSgd.secureRandomness().generator());
        java.util.random.RandomGenerator drbg = DpSgd.secureRandomness().generator();
        byte[] drbgBytes = new byte[8 * (g.length + g.length / 32 + 64)];
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.0).learningRate(1e-9)
                .batchSize(b).epochs(1).delta(1e-5).build();
        Mlp mlpSecure = Mlp.create(layers, train.featureNames(), train.classNames(), Randomness.replayable(1));
        Mlp mlpSeeded = Mlp.create(layers, train.featureNames(), train.classNames(), Randomness.replayable(1));
        DpSgd stepSecure = new DpSgd(config, mlpSecure);
        DpSgd stepSeeded = new DpSgd(DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.0).learningRate(1e-9)
                .batchSize(b).epochs(1).delta(1e-5).insecureSeed(4).build(), mlpSeeded);
        String[] names = {"non-DP gradient (meanLossGradient)", "clipped sum, two calls (norms + weighted sum)",
                "clipped sum, fused (clippedGradientSum)", "secure noise, 407,050 samples (default generator)",
                "seeded noise, 407,050 samples (SplittableRandom)", "secure noise, polar method (previous sampler)",
                "secure bytes alone for the ziggurat (8.25/sample)"};
        Runnable[] ops = {
            () -> mlp.meanLossGradient(x, y, g),
            () -> {
                double[] sq = mlp.groupGradientSquaredNorms(x, y, groups, b);
                for (int i = 0; i < b; i++) {
                    double n = Math.sqrt(sq[i]);
                    weights[i] = n > 1.0 ? 1.0 / n : 1.0;
                }
                mlp.weightedGradientSum(x, y, weights, g);
            },
            () -> mlp.clippedGradientSum(x, y, groups, b, 1.0, g),
            () -> secure.add(g, 1.0),
            () -> seeded.add(g, 1.0),
            () -> polarSecure.add(g, 1.0),
            () -> drbg.nextBytes(drbgBytes)};
        int reps = Integer.getInteger("reps", 40);
        double[][] t = new double[ops.length][reps];
        for (int r = -10; r < reps; r++) {
            for (int o = 0; o < ops.length; o++) {
                double ms = timeMs(ops[o]);
                if (r >= 0) {
                    t[o][r] = ms;
                }
            }
        }
        System.out.printf(Locale.ROOT, "per-step medians over %d interleaved rounds, MLP 784-512-10, B = %d:%n", reps, b);
        double base = median(t[0]);
        for (int o = 0; o < ops.length; o++) {
            double m = median(t[o]);
            System.out.printf(Locale.ROOT, "  %-50s %7.2f ms  (%.2fx non-DP gradient)%n", names[o], m, m / base);
        }
        // Whole steps, in blocks of 10 consecutive steps of one kind (the first 2 of each block dropped as warm-up
        // for that kind), blocks rotated.
        Mlp mlpPlain = Mlp.create(layers, train.featureNames(), train.classNames(), Randomness.replayable(1));
        org.botsec.core.train.Optimizer sgd = Sgd.builder().learningRate(1e-9).build();
        double[] params = new double[p];
        String[] stepNames = {"non-DP step (gradient + SGD update)", "DP-SGD step, secure noise",
                "DP-SGD step, seeded noise"};
        Runnable[] stepOps = {
            () -> {
                mlpPlain.meanLossGradient(x, y, g);
                mlpPlain.getParameters(params);
                sgd.step(params, g);
                mlpPlain.setParameters(params);
            },
            () -> stepSecure.step(x, y),
            () -> stepSeeded.step(x, y)};
        int blocks = Math.max(3, reps / 8);
        double[][] st = new double[stepOps.length][blocks * 8];
        for (int r = -1; r < blocks; r++) {
            for (int o = 0; o < stepOps.length; o++) {
                for (int k = 0; k < 10; k++) {
                    double ms = timeMs(stepOps[o]);
                    if (r >= 0 && k >= 2) {
                        st[o][r * 8 + k - 2] = ms;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "whole steps, medians of %d steps in %d rotated blocks:%n", blocks * 8, blocks);
        double stepBase = median(st[0]);
        for (int o = 0; o < stepOps.length; o++) {
            double m = median(st[o]);
            System.out.printf(Locale.ROOT, "  %-50s %7.2f ms  (%.2fx non-DP step)%n", stepNames[o], m, m / stepBase);
        }
    }

    static void accountants() {
        double[][] cases = {{1.1, 256.0 / 60000}, {3.0, 0.01}, {0.8, 0.05}};
        for (double[] c : cases) {
            for (AccountantType type : AccountantType.values()) {
                int reps = type == AccountantType.RDP ? 21 : 5;
                double[] ms = new double[reps];
                double[] eps = new double[1];
                for (int i = 0; i < reps; i++) {
                    // a fresh accountant each time: nothing cached between repetitions
                    ms[i] = timeMs(() -> eps[0] = PrivacyAccountant.epsilon(type, c[0], c[1], 100_000, 1e-5)
                            .epsilon());
                }
                System.out.printf(Locale.ROOT, "accountant %s sigma=%.2f q=%.5f steps=100000: eps=%.4f first=%.1f ms "
                        + "median=%.1f ms (n=%d)%n", type, c[0], c[1], eps[0], ms[0], median(ms), reps);
            }
        }
    }

    /**
     * Whole epochs on mnist10k's training split (MLP 784-512-10, B = 256, σ = 1, C = 1): the non-DP {@link Trainer},
     * DP-SGD with secure noise (the default) and with seeded noise, interleaved round-robin so that load changes on
     * the shared machine hit all three alike; 2 warm-up rounds, then medians of {@code -Dreps} rounds (default 9).
     */
    static void epochs() {
        Dataset train = Builtins.load("mnist10k", Split.TRAIN);
        System.out.printf(Locale.ROOT, "mnist10k train: %d x %d, BLAS %s, %d cores, DP noise generator: %s%n",
                train.size(), train.numFeatures(), Matrix.blasImplementation(),
                Runtime.getRuntime().availableProcessors(), DpSgd.secureGeneratorDescription());
        int[] layers = {784, 512, 10};
        int reps = Integer.getInteger("reps", 9);
        String[] names = {"non-DP (Trainer, SGD)", "DP-SGD, secure noise (default)", "DP-SGD, seeded noise"};
        double[][] wall = new double[3][reps];
        double[][] cpu = new double[3][reps];
        for (int r = -2; r < reps; r++) {
            for (int v = 0; v < 3; v++) {
                Mlp mlp = Mlp.create(layers, train.featureNames(), train.classNames(), Randomness.replayable(1));
                Runnable epoch;
                if (v == 0) {
                    Trainer trainer = Trainer.builder().optimizer(Sgd.builder().learningRate(0.1).build()).epochs(1)
                            .batchSize(256).randomness(Randomness.replayable(2)).listener(TrainingListener.NONE)
                            .build();
                    epoch = () -> trainer.fit(mlp, train);
                } else {
                    DpSgdConfig.Builder b = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.0)
                            .learningRate(0.1).batchSize(256).epochs(1).delta(1e-5);
                    if (v == 2) {
                        b.insecureSeed(3);
                    }
                    DpSgdConfig config = b.build();
                    epoch = () -> DpTraining.train(mlp, train.x(), train.y(), config, DpProgressListener.none());
                }
                double[] w = new double[1];
                double c = cpuMs(() -> w[0] = timeMs(epoch));
                if (r >= 0) {
                    wall[v][r] = w[0];
                    cpu[v][r] = c;
                }
            }
        }
        double base = median(wall[0]);
        double baseCpu = median(cpu[0]);
        System.out.printf(Locale.ROOT, "epochs, medians of %d interleaved rounds:%n", reps);
        for (int v = 0; v < 3; v++) {
            double m = median(wall[v]);
            System.out.printf(Locale.ROOT, "  %-32s %6.0f ms (%.2fx non-DP), %6.0f examples/s; process CPU %6.0f ms "
                    + "(%.2fx)%n", names[v], m, m / base, train.size() / (m / 1000), median(cpu[v]),
                    median(cpu[v]) / baseCpu);
        }
    }
}
