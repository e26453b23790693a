package org.botsec.explain.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.internal.simd.ScalarBinary;
import org.botsec.core.model.internal.simd.Simd;
import org.botsec.core.rand.Randomness;
import org.botsec.explain.Background;
import org.botsec.explain.Explanation;
import org.botsec.explain.ShapExplainer;
import org.botsec.explain.ShapMethod;

/**
 * Kernel SHAP speed, old against new in the same process (not a test: timing asserts do not belong in unit tests).
 * Workload of issue #4 and docs/explain.md: the 30 breast-cancer features, a standardised logistic regression
 * trained on the built-in train split, background = its first 100 rows, 2,048 coalitions, test row 0; shap 0.50's
 * {@code KernelExplainer} took 0.10–0.16 s per row for it on this machine. Paths timed, alternately round by round:
 * <ul>
 *   <li>black box, old: {@link LegacyKernelShap} (the pre-split code) on {@code model::predictProba};</li>
 *   <li>black box, new: {@code ShapExplainer.predictProba(model::predictProba)} (the explainer cannot look in);</li>
 *   <li>LinearModel, new: {@code ShapExplainer.model(model)} (the model's linear capability);</li>
 *   <li>the model's own share of a black-box row: 205 calls of 1,000 rows, the floor of any black-box path;</li>
 *   <li>a 30-16-2 MLP (random weights) as black box, old and new;</li>
 *   <li>an experiment, {@link PatchingCoalitionValues}: what reusing rows between model calls would be worth;</li>
 *   <li>credit_g (German credit, 100 background rows, 2,048 coalitions, standardised logistic regression as black
 *       box), old and new: categorical features make background rows share values with the row, where the new
 *       path evaluates only the distinct synthetic rows;</li>
 *   <li>the new black box and the model share again with the previous {@code LinearModel.predictProba} kernel
 *       (scalar scores, then {@code Softmax.binaryInPlace}): the in-process baseline of the model's Vector API
 *       kernel, which runs when the JVM is started with {@code --add-modules jdk.incubator.vector}.</li>
 * </ul>
 * Prints wall and whole-process CPU time per row (CPU is less sensitive to other processes on a shared machine)
 * and the ratios. Run: {@code java -cp botsec-explain/target/test-classes:botsec-explain/target/classes:...
 * org.botsec.explain.bench.ShapBench [rounds]}, with {@code --add-modules jdk.incubator.vector} before {@code -cp} for
 * the Vector API kernel of {@code LinearModel}.
 */
public final class ShapBench {
    private static final double SHAP_LOW_MS = 100;
    private static final double SHAP_HIGH_MS = 160;

    private ShapBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        Dataset cancer = Builtins.load("breast_cancer", Split.TRAIN);
        LinearModel model = LogisticRegression.builder().standardize(true).build().fit(cancer);
        int[] first100 = new int[100];
        for (int i = 0; i < 100; i++) {
            first100[i] = i;
        }
        Matrix bgRows = cancer.x().selectRows(first100);
        Background background = Background.of(bgRows);
        double[] row = Builtins.load("breast_cancer", Split.TEST).x().row(0);
        Function<Matrix, Matrix> opaque = model::predictProba;
        LegacyKernelShap oldBox = new LegacyKernelShap(opaque, bgRows, background.weights(), 1, 2048);
        ShapExplainer newBox = ShapExplainer.builder().method(ShapMethod.KERNEL).predictProba(opaque)
                .classNames(model.classNames()).background(background).nsamples(2048).seed(0).build();
        LegacyKernelShap patchBox = new LegacyKernelShap(opaque, bgRows, background.weights(), 1, 2048, true);
        ShapExplainer newLinear = ShapExplainer.builder().method(ShapMethod.KERNEL).model(model)
                .background(background).nsamples(2048).seed(0).build();
        Mlp mlp = Mlp.create(new int[] {30, 16, 2}, model.featureNames(), model.classNames(),
                Randomness.replayable(1));
        Function<Matrix, Matrix> mlpFn = mlp::predictProba;
        LegacyKernelShap oldMlp = new LegacyKernelShap(mlpFn, bgRows, background.weights(), 1, 2048);
        ShapExplainer newMlp = ShapExplainer.builder().method(ShapMethod.KERNEL).predictProba(mlpFn)
                .classNames(mlp.classNames()).background(background).nsamples(2048).seed(0).build();
        // credit_g (UCI Statlog German credit, built in): categorical and count features, so many background rows
        // share values with the explained row and the distinct-row path evaluates fewer synthetic rows
        Dataset credit = Builtins.load("credit_g", Split.TRAIN);
        LinearModel creditModel = LogisticRegression.builder().standardize(true).build().fit(credit);
        Matrix creditBg = credit.x().selectRows(first100);
        Background creditBackground = Background.of(creditBg);
        double[] creditRow = Builtins.load("credit_g", Split.TEST).x().row(0);
        Function<Matrix, Matrix> creditFn = creditModel::predictProba;
        LegacyKernelShap oldCredit = new LegacyKernelShap(creditFn, creditBg, creditBackground.weights(), 1, 2048);
        ShapExplainer newCredit = ShapExplainer.builder().method(ShapMethod.KERNEL).predictProba(creditFn)
                .classNames(creditModel.classNames()).background(creditBackground).nsamples(2048).seed(0).build();
        // the previous LinearModel.predictProba of a binary model (scalar kernel, then the sigmoid with Math.exp), as a
        // black box: the in-process baseline of the model's own speed-up (with --add-modules jdk.incubator.vector the
        // model above runs the Vector API kernel; without it, both are the same code)
        double[] mean = model.scaler().orElseThrow().mean();
        double[] ws = model.scaler().orElseThrow().scale();
        double[] coef = model.coef().data();
        for (int j = 0; j < ws.length; j++) {
            ws[j] = coef[j] / ws[j];
        }
        double intercept = model.intercept()[0];
        Function<Matrix, Matrix> scalarModel = x -> {
            Matrix p = new Matrix(x.rows(), 2);
            ScalarBinary.scores(x.data(), x.rows(), x.cols(), mean, ws, intercept, p.data(), 1, 2);
            Softmax.binaryInPlace(p.data(), x.rows());
            return p;
        };
        ShapExplainer scalarBox = ShapExplainer.builder().method(ShapMethod.KERNEL).predictProba(scalarModel)
                .classNames(model.classNames()).background(background).nsamples(2048).seed(0).build();
        Matrix block = new Matrix(1000, 30);
        for (int i = 0; i < 1000; i++) {
            System.arraycopy(bgRows.data(), (i % 100) * 30, block.data(), i * 30, 30);
        }

        double[] a = oldBox.explain(row, 0);
        double[] b = weights(newBox.explain(row));
        double[] c = weights(newLinear.explain(row));
        double[] am = oldMlp.explain(row, 0);
        double[] bm = weights(newMlp.explain(row));
        System.out.printf(Locale.ROOT, "LinearModel kernel: %s%n", Simd.AVAILABLE ? "Vector API (jdk.incubator.vector)"
                : "scalar (start the JVM with --add-modules jdk.incubator.vector for the Vector API kernel)");
        System.out.printf(Locale.ROOT, "max |phi old - phi new|: black box %.1e, LinearModel path %.1e, mlp %.1e, "
                + "patching experiment %.1e, credit_g black box %.1e, previous scalar model kernel %.1e%n", maxDiff(a, b),
                maxDiff(a, c), maxDiff(am, bm),
                maxDiff(a, patchBox.explain(row, 0)), maxDiff(oldCredit.explain(creditRow, 0),
                        weights(newCredit.explain(creditRow))), maxDiff(b, weights(scalarBox.explain(row))));

        List<String> names = List.of("black box, old (25a880f)", "black box, new", "LinearModel, new",
                "model share of a black-box row", "mlp black box, old", "mlp black box, new",
                "black box, patching experiment", "credit_g black box, old", "credit_g black box, new",
                "black box, previous model kernel", "model share, previous kernel");
        List<Supplier<Object>> ops = List.of(() -> oldBox.explain(row, 0), () -> newBox.explain(row),
                () -> newLinear.explain(row), () -> {
                    double s = 0;
                    for (int i = 0; i < 205; i++) {
                        s += model.predictProba(block).get(i, 1);
                    }
                    return s;
                }, () -> oldMlp.explain(row, 0), () -> newMlp.explain(row), () -> patchBox.explain(row, 0),
                () -> oldCredit.explain(creditRow, 0), () -> newCredit.explain(creditRow),
                () -> scalarBox.explain(row), () -> {
                    double s = 0;
                    for (int i = 0; i < 205; i++) {
                        s += scalarModel.apply(block).get(i, 1);
                    }
                    return s;
                });
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[][] wall = new double[ops.size()][rounds];
        double[][] cpu = new double[ops.size()][rounds];
        for (Supplier<Object> op : ops) {
            for (int i = 0; i < 100; i++) {
                op.get();
            }
        }
        System.out.printf(Locale.ROOT, "load average before: %.2f%n", os.getSystemLoadAverage());
        int reps = 40;
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < ops.size(); k++) {
                long w0 = System.nanoTime();
                long p0 = os.getProcessCpuTime();
                for (int i = 0; i < reps; i++) {
                    ops.get(k).get();
                }
                cpu[k][r] = (os.getProcessCpuTime() - p0) / 1e6 / reps;
                wall[k][r] = (System.nanoTime() - w0) / 1e6 / reps;
            }
        }
        System.out.printf(Locale.ROOT, "load average after: %.2f (%d cores)%n", os.getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-34s %12s %12s %14s %14s%n", "per row, " + rounds + " rounds x " + reps,
                "wall median", "wall best", "process cpu med", "cpu best");
        for (int k = 0; k < ops.size(); k++) {
            System.out.printf(Locale.ROOT, "%-34s %9.2f ms %9.2f ms %11.2f ms %11.2f ms%n", names.get(k),
                    median(wall[k]), min(wall[k]), median(cpu[k]), min(cpu[k]));
        }
        System.out.printf(Locale.ROOT, "black box new vs old: wall %.2fx (median), %.2fx (best); cpu %.2fx (median)%n",
                median(wall[0]) / median(wall[1]), min(wall[0]) / min(wall[1]), median(cpu[0]) / median(cpu[1]));
        System.out.printf(Locale.ROOT, "mlp black box new vs old: wall %.2fx (median); cpu %.2fx (median)%n",
                median(wall[4]) / median(wall[5]), median(cpu[4]) / median(cpu[5]));
        System.out.printf(Locale.ROOT, "credit_g black box new vs old: wall %.2fx (median); cpu %.2fx (median)%n",
                median(wall[7]) / median(wall[8]), median(cpu[7]) / median(cpu[8]));
        System.out.printf(Locale.ROOT, "model kernel now vs previous: black box wall %.2fx (median), cpu %.2fx (median); "
                + "model share wall %.2fx, cpu %.2fx%n", median(wall[9]) / median(wall[1]), median(cpu[9]) / median(cpu[1]),
                median(wall[10]) / median(wall[3]), median(cpu[10]) / median(cpu[3]));
        for (int k : new int[] {0, 1, 2, 9}) {
            System.out.printf(Locale.ROOT, "%-26s vs shap 0.50 (%.0f-%.0f ms): %.0f-%.0fx (wall median), "
                    + "%.0f-%.0fx (wall best)%n", names.get(k), SHAP_LOW_MS, SHAP_HIGH_MS,
                    SHAP_LOW_MS / median(wall[k]), SHAP_HIGH_MS / median(wall[k]), SHAP_LOW_MS / min(wall[k]),
                    SHAP_HIGH_MS / min(wall[k]));
        }
    }

    private static double[] weights(Explanation e) {
        return e.weights().stream().mapToDouble(w -> w.weight()).toArray();
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }
}
