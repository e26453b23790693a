package org.botsec.bench.explain;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextPipeline;
import org.botsec.explain.Background;
import org.botsec.explain.Explanation;
import org.botsec.explain.LimeTextExplainer;
import org.botsec.explain.ShapExplainer;
import org.botsec.explain.ShapMethod;
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
 * The two timings issue #4 compares with the Python references (same model and data): lime's
 * {@code explain_instance} (0.15–0.22 s) and shap's {@code KernelExplainer} per row (0.10–0.16 s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExplainBenchmark {
    private TextPipeline pipeline;
    private LimeTextExplainer lime;
    private ShapExplainer kernel;
    private double[] row;

    @Setup
    public void setUp() {
        pipeline = TextPipeline.fit(Builtins.loadText("sentiment_sentences", Split.ALL),
                LogisticRegression.builder().build());
        lime = LimeTextExplainer.builder().classNames("Negative", "Positive").seed(0).build();
        Dataset cancer = Builtins.load("breast_cancer", Split.TRAIN);
        LinearModel model = LogisticRegression.builder().standardize(true).build().fit(cancer);
        int[] first100 = new int[100];
        for (int i = 0; i < 100; i++) {
            first100[i] = i;
        }
        kernel = ShapExplainer.builder().method(ShapMethod.KERNEL).model(model)
                .background(Background.of(cancer.x().selectRows(first100))).nsamples(2048).seed(0).build();
        row = Builtins.load("breast_cancer", Split.TEST).x().row(0);
    }

    @Benchmark
    public Explanation limeTextExplainInstance5000() {
        return lime.explainInstance("The movie was awesome!", pipeline::predictProba, 10, 5000, 1);
    }

    @Benchmark
    public Explanation kernelShap30Features100Background2048() {
        return kernel.explain(row);
    }

    /** Runs both benchmarks once outside JMH and prints a sanity line (used to check the setup). */
    public static void main(String[] args) {
        ExplainBenchmark b = new ExplainBenchmark();
        b.setUp();
        for (int i = 0; i < 20; i++) {
            b.limeTextExplainInstance5000();
            b.kernelShap30Features100Background2048();
        }
        int n = 50;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            b.limeTextExplainInstance5000();
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            b.kernelShap30Features100Background2048();
        }
        long t2 = System.nanoTime();
        Explanation e = b.kernelShap30Features100Background2048();
        System.out.printf("lime text: %.2f ms/explanation; kernel shap: %.2f ms/row (%d coalitions, additivity gap %.1e)%n",
                (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n, e.numSamples(),
                Math.abs(e.prediction() - e.localPrediction()));
        System.out.println("weights: " + List.copyOf(b.limeTextExplainInstance5000().weights()));
    }
}
