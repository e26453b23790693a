package org.botsec.explain.internal;

import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;

/**
 * Linear SHAP (Lundberg &amp; Lee 2017, Corollary 1; interventional, features independent): for a model whose
 * explained output is a linear score g, φ_i = g(μ with x_i) − g(μ) = β_i (x_i − μ_i) with μ the weighted background
 * mean, and base = g(μ). g is the model's own score ({@link LinearModel#decisionFunction}, through its
 * standardiser): the score of the explained class for k &gt; 2, and for a binary model (one coefficient row) the
 * log-odds of class 1, negated for class 0. Values are on this margin scale whatever link was asked for.
 */
public final class LinearShap {
    private LinearShap() {
    }

    public static ShapValues explain(LinearModel model, double[] mean, int label, double[] x) {
        int d = x.length;
        // rows: μ, then μ with column i from x (one per feature), then x
        Matrix rows = new Matrix(d + 2, d);
        double[] rd = rows.data();
        for (int i = 0; i <= d; i++) {
            System.arraycopy(mean, 0, rd, i * d, d);
        }
        for (int i = 0; i < d; i++) {
            rd[(i + 1) * d + i] = x[i];
        }
        System.arraycopy(x, 0, rd, (d + 1) * d, d);
        Matrix scores = model.decisionFunction(rows);
        int r = scores.cols();
        double[] g = new double[d + 2];
        for (int i = 0; i < d + 2; i++) {
            g[i] = r == 1 ? (label == 1 ? scores.get(i, 0) : -scores.get(i, 0)) : scores.get(i, label);
        }
        double[] phi = new double[d];
        for (int i = 0; i < d; i++) {
            phi[i] = x[i] == mean[i] ? 0.0 : g[i + 1] - g[0];
        }
        double[] probs = model.predictProba(new Matrix(1, d, x.clone())).row(0);
        return new ShapValues(phi, g[0], g[d + 1], probs, 0);
    }
}
