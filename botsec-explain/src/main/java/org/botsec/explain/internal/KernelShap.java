package org.botsec.explain.internal;

import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.Link;

/**
 * Kernel SHAP (Lundberg &amp; Lee 2017, Theorem 2): the coalitions of {@link KernelShapSampler} and a weighted
 * least-squares fit of v(S) − base on the coalition indicators with the efficiency constraint substituted out
 * (one feature's value is Δ − Σ others, Δ = f(x) − base), as shap's {@code KernelExplainer}. With a budget of at
 * least 2^M − 2 every coalition is enumerated and the result equals the exact Shapley values.
 */
public final class KernelShap {
    private KernelShap() {
    }

    /**
     * @param nsamples      coalition budget
     * @param l1NumFeatures shap's {@code l1_reg="num_features(k)"}: keep the first k features chosen by least-angle
     *                      regression (the others get 0); empty keeps every feature ({@code l1_reg=False})
     */
    public static ShapValues explain(CoalitionValueFunction values, Matrix background, int label, Link link,
            double[] x, int nsamples, OptionalInt l1NumFeatures, long seed) {
        int[] cols = VaryingFeatures.of(x, background);
        int m = cols.length;
        double[] probs = values.probabilities(x);
        double fx = link.apply(probs[label]);
        double base = link.apply(values.backgroundOutput());
        double delta = fx - base;
        double[] phi = new double[x.length];
        if (m < 2) {
            if (m == 1) {
                phi[cols[0]] = delta;
            }
            return new ShapValues(phi, base, fx, probs, 0);
        }
        KernelShapSampler.Coalitions co = KernelShapSampler.build(m, nsamples, new SplittableRandom(seed));
        int n = co.count();
        byte[] z = co.masks();
        double[] kw = co.weights();
        double[] eyAdj = values.expectedOutputs(x, cols, z, n);
        for (int i = 0; i < n; i++) {
            eyAdj[i] = link.apply(eyAdj[i]) - base;
        }
        int[] sel = selected(z, kw, eyAdj, delta, m, n, l1NumFeatures);
        int q = sel.length;
        int p = q - 1;
        int lastF = sel[q - 1];
        double sum = 0;
        if (p > 0) {
            // φ_last = Δ − Σ φ_others: regress eyAdj − z_last·Δ on (z_j − z_last), no intercept; normal equations of
            // the √w-scaled design through BLAS (A = EᵀE, b = Eᵀy) and a Cholesky solve.
            Matrix design = new Matrix(n, p);
            Matrix target = new Matrix(n, 1);
            double[] ed = design.data();
            double[] td = target.data();
            for (int i = 0; i < n; i++) {
                int o = i * m;
                int last = z[o + lastF];
                double r = Math.sqrt(kw[i]);
                td[i] = r * (eyAdj[i] - last * delta);
                for (int j = 0; j < p; j++) {
                    ed[i * p + j] = r * (z[o + sel[j]] - last);
                }
            }
            Matrix gram = new Matrix(p, p);
            Matrix.gemm(true, false, 1.0, design, design, 0.0, gram);
            Matrix rhs = new Matrix(p, 1);
            Matrix.gemm(true, false, 1.0, design, target, 0.0, rhs);
            double[] sol = LinearSolve.symmetric(gram.data(), rhs.data(), p);
            for (int j = 0; j < p; j++) {
                phi[cols[sel[j]]] = sol[j];
                sum += sol[j];
            }
        }
        phi[cols[lastF]] = delta - sum;
        return new ShapValues(phi, base, fx, probs, n);
    }

    /** Indices (into the varying features) that get a value: all, or the first k of least-angle regression. */
    private static int[] selected(byte[] z, double[] kw, double[] eyAdj, double delta, int m, int n,
            OptionalInt l1NumFeatures) {
        if (l1NumFeatures.isPresent() && l1NumFeatures.getAsInt() < m) {
            return l1Select(z, kw, eyAdj, delta, m, n, l1NumFeatures.getAsInt());
        }
        int[] all = new int[m];
        for (int f = 0; f < m; f++) {
            all[f] = f;
        }
        return all;
    }

    /**
     * shap's {@code l1_reg="num_features(k)"}: the first k features to enter least-angle regression (Efron et al.
     * 2004) on the augmented problem (each coalition once with weight w·(M−|S|) and target eyAdj, once as z − 1
     * with weight w·|S| and target eyAdj − Δ), which is how shap keeps the efficiency constraint in the selection.
     */
    private static int[] l1Select(byte[] z, double[] kw, double[] eyAdj, double delta, int m, int n, int k) {
        double[] gram = new double[m * m];
        double[] xty = new double[m];
        double[] row = new double[m];
        for (int i = 0; i < n; i++) {
            int s = 0;
            for (int f = 0; f < m; f++) {
                s += z[i * m + f];
            }
            for (int half = 0; half < 2; half++) {
                double w = half == 0 ? kw[i] * (m - s) : kw[i] * s;
                double y = half == 0 ? eyAdj[i] : eyAdj[i] - delta;
                if (w == 0) {
                    continue;
                }
                for (int f = 0; f < m; f++) {
                    row[f] = z[i * m + f] - half;
                }
                for (int a = 0; a < m; a++) {
                    if (row[a] == 0) {
                        continue;
                    }
                    xty[a] += w * row[a] * y;
                    for (int b = 0; b < m; b++) {
                        gram[a * m + b] += w * row[a] * row[b];
                    }
                }
            }
        }
        return LassoPath.larEntryOrder(gram, xty, m, k);
    }
}
