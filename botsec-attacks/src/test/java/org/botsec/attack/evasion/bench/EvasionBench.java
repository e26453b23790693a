package org.botsec.attack.evasion.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import org.botsec.attack.evasion.GradientAttack;
import org.botsec.attack.evasion.Norm;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.GradientModel;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;

/**
 * Evasion speed (a benchmark, not a test). Part 1: FGSM and PGD-40 on the golden digits logistic regression (360
 * test rows), warm JVM, median wall time of {@code GradientAttack.generate}, beside IBM ART's medians measured on
 * this machine (attack_digits_art.json "timing"). Part 2: PGD-40 (L∞ ε 0.3) on 2,000 mnist10k images against a
 * 784-512-10 MLP, and input-gradient evaluations per second batched versus a naive per-example loop, in the same run.
 *
 * <p>Run: {@code mvn -B -q -o -pl botsec-attacks -am test-compile} then {@code java -cp <test classpath>
 * org.botsec.attack.evasion.bench.EvasionBench} (the command in docs/attacks.md).
 */
public final class EvasionBench {
    private EvasionBench() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("BLAS: " + Matrix.blasImplementation() + ", cores: "
                + Runtime.getRuntime().availableProcessors() + ", load average at start: " + loadAverage());
        linear();
        System.out.println("load average after the linear part: " + loadAverage());
        if (args.length > 0 && args[0].equals("linear")) {
            return;
        }
        mlp(args.length > 0 ? Integer.parseInt(args[0]) : 2000);
        System.out.println("load average at the end: " + loadAverage());
    }

    /** The machine's 1/5/15-minute load averages (Linux), printed beside the figures: they are shared-machine runs. */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void linear() throws Exception {
        LinearModel model = GoldenModel.load();
        Dataset all = Builtins.load("digits8x8", Split.ALL);
        Dataset test = all.subset(IntStream.range(0, all.size()).filter(i -> i % 5 == 0).toArray());
        Matrix x = test.x();
        int[] y = test.y();
        Object[][] cases = {
                {"FGSM Linf eps 0.1", GradientAttack.fgsm().norm(Norm.LINF).epsilon(0.1).build(), 0.002643, 30},
                {"FGSM L2 eps 1", GradientAttack.fgsm().norm(Norm.L2).epsilon(1.0).build(), 0.002975, 30},
                {"PGD-40 Linf eps 0.1", GradientAttack.pgd().norm(Norm.LINF).epsilon(0.1).stepSize(0.01).steps(40)
                        .build(), 0.104778, 10},
                {"PGD-40 L2 eps 1", GradientAttack.pgd().norm(Norm.L2).epsilon(1.0).stepSize(0.1).steps(40).build(),
                        0.122301, 10},
        };
        System.out.println("digits8x8 golden logistic regression, 360 rows (ART = median on this machine; general = "
                + "the same model through the GradientModel interface, i.e. without the linear kernel)");
        GradientModel general = general(model);
        for (Object[] c : cases) {
            GradientAttack a = (GradientAttack) c[1];
            for (int i = 0; i < 2000; i++) {
                a.generate(model, x, y); // warm-up: JIT
            }
            for (int i = 0; i < (int) c[3] * 20; i++) {
                a.generate(general, x, y);
            }
            steadyHeap(a, model, x, y);
            int reps = 101;
            long f0 = minorPageFaults();
            double[] t = time(a, model, x, y, reps);
            double faults = (minorPageFaults() - f0) / (double) reps;
            double[] tg = time(a, general, x, y, reps);
            double art = (double) c[2];
            System.out.printf(Locale.ROOT, "  %-20s botsec median %8.4f ms (min %.4f)  general path %8.4f ms (%.1fx)"
                    + "  ART %8.3f ms  speed-up %5.1fx  page faults/call %.1f%n", c[0], t[reps / 2] * 1e3, t[0] * 1e3,
                    tg[reps / 2] * 1e3, tg[reps / 2] / t[reps / 2], art * 1e3, art / t[reps / 2], faults);
        }
    }

    /**
     * Runs the attack until the JVM's heap has stopped growing (fewer than one minor page fault per call over 200
     * calls, at most 40 rounds): while G1 grows the young generation, each new 184 KB result lands on pages the
     * kernel must first map and zero, ~50 page faults per call, which nearly doubled FGSM's median and is a cost
     * of the JVM's start-up, not of the attack in a warm process. Faults per timed call are printed beside the
     * figures.
     */
    private static void steadyHeap(GradientAttack a, GradientModel model, Matrix x, int[] y) {
        for (int round = 0; round < 40; round++) {
            long f0 = minorPageFaults();
            for (int i = 0; i < 200; i++) {
                a.generate(model, x, y);
            }
            if (minorPageFaults() - f0 < 200) {
                return;
            }
        }
    }

    /** This process's minor page faults so far (Linux /proc/self/stat field 10; 0 elsewhere). */
    static long minorPageFaults() {
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            return Long.parseLong(s.substring(s.lastIndexOf(')') + 2).split(" ")[7]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Sorted wall times (s) of {@code reps} runs. */
    private static double[] time(GradientAttack a, GradientModel model, Matrix x, int[] y, int reps) {
        double[] t = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            a.generate(model, x, y);
            t[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t;
    }

    /** The model seen only through {@link GradientModel}: the attack takes its general (model-call) path. */
    private static GradientModel general(LinearModel m) {
        return new GradientModel() {
            @Override
            public Matrix lossInputGradient(Matrix x, int[] labels) {
                return m.lossInputGradient(x, labels);
            }

            @Override
            public Matrix predictProba(Matrix x) {
                return m.predictProba(x);
            }

            @Override
            public java.util.List<String> classNames() {
                return m.classNames();
            }

            @Override
            public int numFeatures() {
                return m.numFeatures();
            }

            @Override
            public java.util.List<String> featureNames() {
                return m.featureNames();
            }
        };
    }

    private static void mlp(int n) {
        Dataset all = Builtins.load("mnist10k", Split.ALL);
        Dataset train = all.subset(IntStream.range(n, all.size()).toArray());
        Dataset test = all.subset(IntStream.range(0, n).toArray());
        long t0 = System.nanoTime();
        Mlp init = Mlp.create(new int[] {784, 512, 10}, train.featureNames(), train.classNames(),
                Randomness.replayable(1));
        Mlp model = Trainer.builder().optimizer(Adam.builder().learningRate(1e-3).build()).epochs(2).batchSize(128)
                .randomness(Randomness.replayable(2)).build().fit(init, train);
        System.out.printf(Locale.ROOT, "mnist10k MLP 784-512-10 trained on %d rows (2 epochs) in %.1f s%n",
                train.size(), (System.nanoTime() - t0) / 1e9);
        Matrix x = test.x();
        int[] y = test.y();
        GradientAttack pgd = GradientAttack.pgd().norm(Norm.LINF).epsilon(0.3).stepSize(0.01).steps(40).build();
        pgd.generate(model, x.selectRows(IntStream.range(0, 200).toArray()), Arrays.copyOf(y, 200)); // warm-up
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long s = System.nanoTime();
            pgd.generate(model, x, y);
            best = Math.min(best, (System.nanoTime() - s) / 1e9);
        }
        var result = pgd.run(model, x, y);
        System.out.printf(Locale.ROOT, "  PGD-40 Linf eps 0.3 (step 0.01) on %d images: best of 3 %.2f s; clean acc %.4f, "
                + "robust acc %.4f%n", n, best, result.metrics().cleanAccuracy(), result.metrics().robustAccuracy());
        double batched = 40.0 * n / best;
        // naive loop: one input gradient per example per call, same rows, for a fixed number of rows
        int naiveRows = Math.min(n, 500);
        for (int i = 0; i < naiveRows; i++) {
            oneRow(model, x, y, i); // warm-up
        }
        long s = System.nanoTime();
        int evals = 0;
        for (int rep = 0; rep < 4; rep++) {
            for (int i = 0; i < naiveRows; i++) {
                oneRow(model, x, y, i);
                evals++;
            }
        }
        double naive = evals / ((System.nanoTime() - s) / 1e9);
        System.out.printf(Locale.ROOT, "  input-gradient evaluations per second: batched PGD %.0f, naive per-example "
                + "loop %.0f (%.1fx)%n", batched, naive, batched / naive);
    }

    private static double sink;

    private static void oneRow(GradientModel model, Matrix x, int[] y, int i) {
        Matrix row = new Matrix(1, x.cols(), x.row(i));
        sink += model.lossInputGradient(row, new int[] {y[i]}).data()[0];
    }

    /** The golden scikit-learn model (test resources). */
    static final class GoldenModel {
        static LinearModel load() throws Exception {
            var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    EvasionBench.class.getResourceAsStream("/golden/attack_digits_linear.json"));
            var p = org.botsec.core.io.LinearModelImport.parse(root, "attack_digits_linear.json", true);
            return p.model();
        }
    }
}
