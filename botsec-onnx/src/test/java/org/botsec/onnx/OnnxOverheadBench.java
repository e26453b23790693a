package org.botsec.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.botsec.core.linalg.Matrix;

/**
 * Per-row overhead of {@link OnnxClassifier#predictProba} over ONNX Runtime called directly on the same model
 * (same thread settings, input already in a float array, output read into a float array), in the same process.
 * Run (after {@code mvn -o -q -pl botsec-onnx -am test-compile}):
 *
 * <pre>
 * java -cp "botsec-onnx/target/test-classes:botsec-onnx/target/classes:$(cat /tmp/onnx-cp.txt)" \
 *     org.botsec.onnx.OnnxOverheadBench
 * </pre>
 * with the class path from {@code mvn -o -q -pl botsec-onnx dependency:build-classpath -Dmdep.outputFile=/tmp/onnx-cp.txt}.
 */
public final class OnnxOverheadBench {
    private OnnxOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("onnx-bench");
        String[][] models = {{"cancer_mlp_f32_proba.onnx", "probabilities"}, {"digits_cnn_f32_logits.onnx", "logits"},
            {"cancer_mlp_f64_logits.onnx", "logits"}};
        System.out.printf(Locale.ROOT, "%-28s %6s %12s %12s %10s %8s%n", "model", "batch", "direct us", "botsec us",
                "overhead", "ratio");
        for (String[] m : models) {
            Path p = TestModels.copy(m[0], dir);
            for (int batch : new int[] {256, 1024, 4096}) {
                run(p, OutputKind.parse(m[1]), batch);
            }
        }
    }

    private static void run(Path model, OutputKind kind, int batch) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxClassifier c = OnnxClassifier.builder(model).outputKind(kind).batchSize(batch).intraOpThreads(1)
                .interOpThreads(1).build();
             OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            boolean dbl = model.toString().contains("f64");
            try (OrtSession s = env.createSession(model.toString(), o)) {
                int d = c.numFeatures();
                SplittableRandom r = new SplittableRandom(1);
                Matrix x = new Matrix(batch, d);
                for (int i = 0; i < x.data().length; i++) {
                    x.data()[i] = r.nextDouble();
                }
                float[] xf = new float[batch * d];
                for (int i = 0; i < xf.length; i++) {
                    xf[i] = (float) x.data()[i];
                }
                long[] shape = c.inputShape();
                shape[0] = batch;
                String in = c.inputName();
                double[] sink = new double[1];
                Runnable direct = () -> {
                    try (OnnxTensor t = dbl ? OnnxTensor.createTensor(env, java.nio.DoubleBuffer.wrap(x.data()), shape)
                            : OnnxTensor.createTensor(env, FloatBuffer.wrap(xf), shape);
                         OrtSession.Result res = s.run(Map.of(in, t))) {
                        OnnxTensor out = (OnnxTensor) res.get(0);
                        sink[0] += dbl ? out.getDoubleBuffer().get(0) : out.getFloatBuffer().get(0);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                Runnable botsec = () -> sink[0] += c.predictProba(x).get(0, 0);
                int reps = Math.max(20, 40_000 / batch);
                for (int w = 0; w < 3; w++) {
                    time(direct, reps);
                    time(botsec, reps);
                }
                double[] td = new double[7];
                double[] tb = new double[7];
                for (int k = 0; k < 7; k++) { // alternate, so drift hits both sides alike
                    td[k] = time(direct, reps);
                    tb[k] = time(botsec, reps);
                }
                double md = median(td);
                double mb = median(tb);
                System.out.printf(Locale.ROOT, "%-28s %6d %12.1f %12.1f %8.2fus %8.3f%n",
                        model.getFileName(), batch, md, mb, (mb - md) / batch, mb / md);
                if (sink[0] == 42.4242) {
                    System.out.println();
                }
            }
        }
    }

    /** Microseconds per call. */
    private static double time(Runnable r, int reps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            r.run();
        }
        return (System.nanoTime() - t0) / 1e3 / reps;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
