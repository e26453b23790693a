package org.botsec.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one training step of a 784-512-10 MLP on a batch of 256 random 28×28 "images" (pixel values uniform in
 * [0, 1), random labels) — the BLAS-backed {@link Mlp} beside the plain-Java {@link NaiveMlp} — and the
 * per-example gradient norms that DP-SGD needs (ghost norms). Scores are time per batch; examples/s =
 * 256 / score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MlpBenchmark {
    @Param({"256"})
    public int batchSize;

    private Mlp mlp;
    private NaiveMlp naive;
    private Matrix x;
    private int[] y;
    private int[] perExample;
    private double[] theta;
    private double[] grad;
    private Adam adam;

    @Setup
    public void setup() {
        int[] sizes = {784, 512, 10};
        List<String> features = java.util.stream.IntStream.range(0, 784).mapToObj(i -> "p" + i).toList();
        List<String> classes = java.util.stream.IntStream.range(0, 10).mapToObj(Integer::toString).toList();
        mlp = Mlp.create(sizes, features, classes, Randomness.replayable(1));
        naive = new NaiveMlp(sizes);
        SplittableRandom r = new SplittableRandom(2);
        x = new Matrix(batchSize, 784);
        for (int k = 0; k < x.data().length; k++) {
            x.data()[k] = r.nextDouble();
        }
        y = new int[batchSize];
        perExample = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            y[i] = r.nextInt(10);
            perExample[i] = i;
        }
        theta = new double[mlp.numParameters()];
        mlp.getParameters(theta);
        grad = new double[theta.length];
        adam = Adam.builder().learningRate(1e-6).build();
    }

    /** Mean-loss gradient, Adam step, parameters written back: what {@code Trainer} does per batch. */
    @Benchmark
    public double blasTrainingStep() {
        double loss = mlp.meanLossGradient(x, y, grad);
        adam.step(theta, grad);
        mlp.setParameters(theta);
        return loss;
    }

    @Benchmark
    public double naiveTrainingStep() {
        double loss = naive.meanLossGradient(x.data(), batchSize, y, theta, grad);
        adam.step(theta, grad);
        return loss;
    }

    /** Per-example squared gradient norms (ghost norms): the clipping half of a DP-SGD step. */
    @Benchmark
    public double[] perExampleGradientNorms() {
        return mlp.groupGradientSquaredNorms(x, y, perExample, batchSize);
    }
}
