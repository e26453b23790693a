package org.botsec.explain.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.internal.KernelShapSampler;
import org.botsec.explain.internal.LinearSolve;

/**
 * Baseline for {@link ShapBench}: the black-box Kernel SHAP path of {@code ShapExplainer} as of commit 25a880f (before
 * the split), reduced to what the benchmark runs (identity link, no L1 selection). Same steps, same order: the
 * model on the explained row, the base value from the background on every call, the varying features, the
 * coalitions, {@link LegacyCoalitionValues}, the substituted weighted least squares.
 */
final class LegacyKernelShap {
    private final Function<Matrix, Matrix> predictProba;
    private final Matrix background;
    private final double[] weights;
    private final int label;
    private final int nsamples;

    private final boolean patching;

    LegacyKernelShap(Function<Matrix, Matrix> predictProba, Matrix background, double[] weights, int label,
            int nsamples) {
        this(predictProba, background, weights, label, nsamples, false);
    }

    /** @param patching use the {@link PatchingCoalitionValues} experiment instead of the old coalition values */
    LegacyKernelShap(Function<Matrix, Matrix> predictProba, Matrix background, double[] weights, int label,
            int nsamples, boolean patching) {
        this.patching = patching;
        this.predictProba = predictProba;
        this.background = background;
        this.weights = weights;
        this.label = label;
        this.nsamples = nsamples;
    }

    double[] explain(double[] x, long seed) {
        int[] cols = varying(x);
        int m = cols.length;
        double[] probs = predictProba.apply(new Matrix(1, x.length, x.clone())).row(0);
        double fx = probs[label];
        Matrix p = predictProba.apply(background);
        double base = 0;
        for (int i = 0; i < background.rows(); i++) {
            base += weights[i] * p.get(i, label);
        }
        double delta = fx - base;
        double[] phi = new double[x.length];
        if (m < 2) {
            if (m == 1) {
                phi[cols[0]] = delta;
            }
            return phi;
        }
        KernelShapSampler.Coalitions co = KernelShapSampler.build(m, nsamples, new SplittableRandom(seed));
        double[] ey = patching
                ? new PatchingCoalitionValues(predictProba, label, background, weights)
                        .expectedOutputs(x, cols, co.masks(), co.count())
                : new LegacyCoalitionValues(predictProba, label, background, weights)
                        .expectedOutputs(x, cols, co.masks(), co.count());
        int n = co.count();
        byte[] z = co.masks();
        double[] kw = co.weights();
        int pp = m - 1;
        int lastF = m - 1;
        Matrix design = new Matrix(n, pp);
        Matrix target = new Matrix(n, 1);
        double[] ed = design.data();
        double[] td = target.data();
        for (int i = 0; i < n; i++) {
            int o = i * m;
            int last = z[o + lastF];
            double r = Math.sqrt(kw[i]);
            td[i] = r * (ey[i] - base - last * delta);
            for (int j = 0; j < pp; j++) {
                ed[i * pp + j] = r * (z[o + j] - last);
            }
        }
        Matrix gram = new Matrix(pp, pp);
        Matrix.gemm(true, false, 1.0, design, design, 0.0, gram);
        Matrix rhs = new Matrix(pp, 1);
        Matrix.gemm(true, false, 1.0, design, target, 0.0, rhs);
        double[] sol = LinearSolve.symmetric(gram.data(), rhs.data(), pp);
        double sum = 0;
        for (int j = 0; j < pp; j++) {
            phi[cols[j]] = sol[j];
            sum += sol[j];
        }
        phi[cols[lastF]] = delta - sum;
        return phi;
    }

    private int[] varying(double[] x) {
        List<Integer> v = new ArrayList<>();
        for (int j = 0; j < x.length; j++) {
            for (int r = 0; r < background.rows(); r++) {
                double b = background.get(r, j);
                if (Math.abs(x[j] - b) > 1e-8 + 1e-5 * Math.abs(b)) {
                    v.add(j);
                    break;
                }
            }
        }
        return v.stream().mapToInt(Integer::intValue).toArray();
    }
}
