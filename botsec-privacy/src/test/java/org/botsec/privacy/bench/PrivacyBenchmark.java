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

    static void epochs() {
        Dataset train = Builtins.load("mnist10k", Split.TRAIN);
        System.out.printf(Locale.ROOT, "mnist10k train: %d x %d, BLAS %s, %d cores%n", train.size(),
                train.numFeatures(), Matrix.blasImplementation(), Runtime.getRuntime().availableProcessors());
        int[] layers = {784, 512, 10};
        int reps = Integer.getInteger("reps", 3);
        double[] plain = new double[reps + 1];
        double[] plainCpu = new double[reps + 1];
        for (int i = 0; i <= reps; i++) {
            Mlp mlp = Mlp.create(layers, train.featureNames(), train.classNames(), Randomness.replayable(1));
            Trainer trainer = Trainer.builder().optimizer(Sgd.builder().learningRate(0.1).build()).epochs(1)
                    .batchSize(256).randomness(Randomness.replayable(2)).listener(TrainingListener.NONE).build();
            double[] wall = new double[1];
            plainCpu[i] = cpuMs(() -> wall[0] = timeMs(() -> trainer.fit(mlp, train)));
            plain[i] = wall[0];
        }
        for (boolean secure : new boolean[] {true, false}) {
            double[] dp = new double[reps + 1];
            double[] dpCpu = new double[reps + 1];
            for (int i = 0; i <= reps; i++) {
                Mlp mlp = Mlp.create(layers, train.featureNames(), train.classNames(), Randomness.replayable(1));
                DpSgdConfig.Builder b = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.0).learningRate(0.1)
                        .batchSize(256).epochs(1).delta(1e-5);
                if (!secure) {
                    b.insecureSeed(3);
                }
                DpSgdConfig config = b.build();
                double[] wall = new double[1];
                dpCpu[i] = cpuMs(() -> wall[0] = timeMs(
                        () -> DpTraining.train(mlp, train.x(), train.y(), config, DpProgressListener.none())));
                dp[i] = wall[0];
            }
            double p = median(Arrays.copyOfRange(plain, 1, reps + 1));
            double d = median(Arrays.copyOfRange(dp, 1, reps + 1));
            System.out.printf(Locale.ROOT, "epoch MLP 784-512-10 B=256 n=%d: non-DP %.0f ms, DP (%s noise) %.0f ms "
                    + "(%.2fx), DP throughput %.0f examples/s, non-DP %.0f examples/s%n", train.size(), p,
                    secure ? "SecureRandom" : "seeded", d, d / p, train.size() / (d / 1000), train.size() / (p / 1000));
            double pc = median(Arrays.copyOfRange(plainCpu, 1, reps + 1));
            double dc = median(Arrays.copyOfRange(dpCpu, 1, reps + 1));
            System.out.printf(Locale.ROOT, "  process CPU time per epoch: non-DP %.0f ms, DP %.0f ms (%.2fx)%n", pc, dc,
                    dc / pc);
        }
    }
}
