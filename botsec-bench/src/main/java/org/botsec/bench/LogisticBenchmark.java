package org.botsec.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.internal.linear.DenseDesign;
import org.botsec.core.model.internal.linear.LogisticObjective;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one evaluation of the multinomial logistic-regression objective and gradient (what each L-BFGS iteration
 * costs) on 8,000 × 784 random features with 10 classes, BLAS products beside plain-Java products.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogisticBenchmark {
    private LogisticObjective blas;
    private LogisticObjective naive;
    private double[] theta;
    private double[] grad;

    @Setup
    public void setup() {
        int n = 8000;
        int d = 784;
        int k = 10;
        SplittableRandom r = new SplittableRandom(3);
        Matrix x = new Matrix(n, d);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = r.nextDouble();
        }
        int[] y = r.ints(n, 0, k).toArray();
        blas = new LogisticObjective(new DenseDesign(x), y, k, 1.0);
        naive = new LogisticObjective(new NaiveDesign(x.data(), n, d), y, k, 1.0);
        theta = r.doubles(blas.numParameters(), -0.01, 0.01).toArray();
        grad = new double[theta.length];
    }

    @Benchmark
    public double blasObjective() {
        return blas.valueAndGradient(theta, grad);
    }

    @Benchmark
    public double naiveObjective() {
        return naive.valueAndGradient(theta, grad);
    }
}
