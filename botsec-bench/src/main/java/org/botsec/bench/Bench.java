package org.botsec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.internal.linear.DenseDesign;
import org.botsec.core.model.internal.linear.Lbfgs;
import org.botsec.core.model.internal.linear.LogisticObjective;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;

/**
 * Side-by-side harness, one process: MLP 784-512-10 training throughput (Adam, batch 256, on the mnist10k
 * training split) with BotSec's BLAS-backed {@link Mlp} and {@link Trainer} beside a plain-Java loop baseline of
 * the same step ({@link NaiveMlp}); and logistic-regression (L-BFGS) fit time with BLAS products beside the same
 * objective and solver with plain-Java products ({@link NaiveDesign}).
 *
 * <p>Run: {@code mvn -q -pl botsec-bench -am compile exec:java -Dexec.skip=true} (the module's own exec
 * configuration overrides the skip; other modules skip). Arguments through {@code -Dexec.args="..."}:
 * {@code --epochs E} (timed MLP epochs, default 3), {@code --naive-examples N} (examples the baseline trains on,
 * default 2048), {@code --lr-iterations N} (L-BFGS iterations for both, default 50), {@code --skip-naive}.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) {
        int epochs = 3;
        int naiveExamples = 2048;
        int lrIterations = 50;
        boolean skipNaive = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--naive-examples" -> naiveExamples = Integer.parseInt(args[++i]);
                case "--lr-iterations" -> lrIterations = Integer.parseInt(args[++i]);
                case "--skip-naive" -> skipNaive = true;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        environment();
        Dataset train = Builtins.load("mnist10k", Split.TRAIN);
        mlp(train, epochs, naiveExamples, skipNaive);
        logistic(train, lrIterations, skipNaive);
        System.out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
    }

    private static void environment() {
        System.out.printf(Locale.ROOT, "BLAS implementation: %s%n", Matrix.blasImplementation());
        System.out.printf(Locale.ROOT, "java %s (%s), %d processors, OPENBLAS_NUM_THREADS=%s, "
                        + "jdk.incubator.vector module %s%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), System.getenv("OPENBLAS_NUM_THREADS"),
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "loaded" : "not loaded");
        System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void mlp(Dataset train, int epochs, int naiveExamples, boolean skipNaive) {
        int[] sizes = {train.numFeatures(), 512, train.numClasses()};
        int batch = 256;
        Mlp init = Mlp.create(sizes, train.featureNames(), train.classNames(), Randomness.replayable(1));
        // Warm-up: one epoch, so that the JIT has compiled the loops before timing.
        Trainer.builder().optimizer(Adam.builder().build()).epochs(1).batchSize(batch)
                .randomness(Randomness.replayable(2)).build().fit(init, train);
        long t0 = System.nanoTime();
        Trainer.builder().optimizer(Adam.builder().build()).epochs(epochs).batchSize(batch)
                .randomness(Randomness.replayable(3)).build().fit(init, train);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double blasRate = (double) epochs * train.size() / seconds;
        System.out.printf(Locale.ROOT, "MLP 784-512-10, batch %d, Adam, %d rows x %d epochs (Trainer.fit): "
                + "%.2f s, %.0f examples/s%n", batch, train.size(), epochs, seconds, blasRate);
        if (skipNaive) {
            return;
        }
        NaiveMlp naive = new NaiveMlp(sizes);
        double[] theta = new double[init.numParameters()];
        init.getParameters(theta);
        double[] grad = new double[theta.length];
        Adam adam = Adam.builder().build();
        int d = train.numFeatures();
        double[] xb = new double[batch * d];
        int[] yb = new int[batch];
        int steps = Math.max(1, naiveExamples / batch);
        naiveStep(train, naive, adam, theta, grad, xb, yb, 0, batch); // warm-up
        long t1 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            naiveStep(train, naive, adam, theta, grad, xb, yb, (s * batch) % (train.size() - batch), batch);
        }
        double naiveSeconds = (System.nanoTime() - t1) / 1e9;
        double naiveRate = (double) steps * batch / naiveSeconds;
        System.out.printf(Locale.ROOT, "MLP 784-512-10, batch %d, Adam, plain-Java loops: %d steps, %.2f s, "
                + "%.0f examples/s%n", batch, steps, naiveSeconds, naiveRate);
        System.out.printf(Locale.ROOT, "MLP speed-up BLAS / plain Java: %.1fx%n", blasRate / naiveRate);
    }

    private static void naiveStep(Dataset train, NaiveMlp naive, Adam adam, double[] theta, double[] grad,
                                  double[] xb, int[] yb, int from, int batch) {
        int d = train.numFeatures();
        System.arraycopy(train.x().data(), from * d, xb, 0, batch * d);
        System.arraycopy(train.y(), from, yb, 0, batch);
        naive.meanLossGradient(xb, batch, yb, theta, grad);
        adam.step(theta, grad);
    }

    private static void logistic(Dataset train, int iterations, boolean skipNaive) {
        int k = train.numClasses();
        double c = 1.0;
        // Warm-up, then the public API end to end.
        LogisticRegression.builder().maxIterations(5).build().fit(train);
        long t0 = System.nanoTime();
        LinearModel model = LogisticRegression.builder().maxIterations(iterations).c(c).build().fit(train);
        double apiSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "Logistic regression (L-BFGS, C=%.1f, %d iterations max) on %d x %d, "
                + "%d classes, LogisticRegression.fit: %.2f s (%s)%n", c, iterations, train.size(),
                train.numFeatures(), k, apiSeconds, model.provenance().isEmpty() ? ""
                        : "n_iter=" + model.provenance().orElseThrow().parameters().get("n_iter"));
        Lbfgs.Result blas = timed("BLAS products", new LogisticObjective(new DenseDesign(train.x()), train.y(), k, c),
                iterations);
        if (skipNaive) {
            return;
        }
        Lbfgs.Result naive = timed("plain-Java products",
                new LogisticObjective(new NaiveDesign(train.x().data(), train.size(), train.numFeatures()),
                        train.y(), k, c), iterations);
        System.out.printf(Locale.ROOT, "  same solver path, final objective BLAS %.10g vs plain %.10g%n",
                blas.value(), naive.value());
    }

    private static Lbfgs.Result timed(String label, LogisticObjective objective, int iterations) {
        long t0 = System.nanoTime();
        Lbfgs.Result r = Lbfgs.minimize(objective, new double[objective.numParameters()], iterations, 1e-6, 10);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "  L-BFGS with %s: %.2f s, %d iterations, %d evaluations, %.1f ms/evaluation%n",
                label, s, r.iterations(), r.evaluations(), 1000 * s / r.evaluations());
        return r;
    }
}
