package org.botsec.explain.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The lasso path by least-angle regression with the lasso modification (Efron, Hastie, Johnstone, Tibshirani
 * 2004, "Least Angle Regression", Section 3.1), on the weighted centred data, as lime's {@code lasso_path}
 * feature selection uses it: walk the path from its end (least regularised) back to the first step and keep the
 * first active set with at most numFeatures non-zero coefficients.
 */
public final class LassoPath {
    private static final double EPS = 1e-12;

    private LassoPath() {
    }

    static int[] select(WeightedDesign design, int numFeatures) {
        List<double[]> path = path(design.gram(), design.xty(), design.numFeatures(), design.rows());
        int d = design.numFeatures();
        int[] chosen = LimeFit.range(d);
        for (int i = path.size() - 1; i >= 1; i--) {
            chosen = nonZero(path.get(i));
            if (chosen.length <= numFeatures) {
                break;
            }
        }
        return chosen;
    }

    private static int[] nonZero(double[] beta) {
        int count = 0;
        for (double b : beta) {
            if (b != 0.0) {
                count++;
            }
        }
        int[] out = new int[count];
        int k = 0;
        for (int j = 0; j < beta.length; j++) {
            if (beta[j] != 0.0) {
                out[k++] = j;
            }
        }
        return out;
    }

    /**
     * The first {@code steps} variables to enter plain least-angle regression (no lasso drops; scikit-learn's
     * {@code lars_path(X, y, max_iter=steps)} active set, which shap's {@code l1_reg="num_features(k)"} uses),
     * from the Gram matrix XᵀX and Xᵀy of an uncentred problem, in order of entry.
     */
    public static int[] larEntryOrder(double[] gram, double[] xty, int d, int steps) {
        int want = Math.min(steps, d);
        int[] order = new int[want];
        boolean[] active = new boolean[d];
        double[] beta = new double[d];
        int m = 0;
        double[] c = new double[d];
        while (m < want) {
            double cMax = 0;
            int best = -1;
            for (int j = 0; j < d; j++) {
                double s = xty[j];
                for (int k = 0; k < d; k++) {
                    s -= gram[j * d + k] * beta[k];
                }
                c[j] = s;
                if (!active[j] && (best < 0 || Math.abs(s) > Math.abs(c[best]))) {
                    best = j;
                }
            }
            for (int j = 0; j < d; j++) {
                if (active[j]) {
                    cMax = Math.max(cMax, Math.abs(c[j]));
                }
            }
            if (m == 0) {
                cMax = Math.abs(c[best]);
                active[best] = true;
                order[m++] = best;
                if (m == want) {
                    break;
                }
            }
            if (cMax < EPS) {
                // no correlation left: the remaining variables enter in order of |c|, as a tie-break
                active[best] = true;
                order[m++] = best;
                continue;
            }
            int[] a = new int[m];
            int q = 0;
            for (int j = 0; j < d; j++) {
                if (active[j]) {
                    a[q++] = j;
                }
            }
            double[] ga = new double[m * m];
            double[] sa = new double[m];
            for (int i = 0; i < m; i++) {
                sa[i] = c[a[i]] >= 0 ? 1 : -1;
                for (int k = 0; k < m; k++) {
                    ga[i * m + k] = gram[a[i] * d + a[k]];
                }
            }
            double[] w = LinearSolve.symmetric(ga, sa, m);
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += sa[i] * w[i];
            }
            double aa = 1.0 / Math.sqrt(Math.max(norm, 1e-300));
            double gamma = Double.POSITIVE_INFINITY;
            int enter = -1;
            for (int j = 0; j < d; j++) {
                if (active[j]) {
                    continue;
                }
                double aj = 0;
                for (int i = 0; i < m; i++) {
                    aj += gram[j * d + a[i]] * aa * w[i];
                }
                double g1 = (cMax - c[j]) / (aa - aj);
                double g2 = (cMax + c[j]) / (aa + aj);
                if (g1 > EPS && g1 < gamma) {
                    gamma = g1;
                    enter = j;
                }
                if (g2 > EPS && g2 < gamma) {
                    gamma = g2;
                    enter = j;
                }
            }
            if (enter < 0) {
                enter = best;
                gamma = cMax / aa;
            }
            for (int i = 0; i < m; i++) {
                beta[a[i]] += gamma * aa * w[i];
            }
            active[enter] = true;
            order[m++] = enter;
        }
        return order;
    }

    /** The coefficient vectors at each breakpoint, starting with all zeros. */
    public static List<double[]> path(double[] gram, double[] xty, int d, int n) {
        List<double[]> path = new ArrayList<>();
        double[] beta = new double[d];
        path.add(beta.clone());
        boolean[] active = new boolean[d];
        int maxSteps = 8 * Math.max(1, d);
        int maxActive = Math.min(d, Math.max(1, n - 1));
        for (int step = 0; step < maxSteps; step++) {
            double[] c = new double[d];
            double cMax = 0;
            for (int j = 0; j < d; j++) {
                double s = xty[j];
                for (int k = 0; k < d; k++) {
                    s -= gram[j * d + k] * beta[k];
                }
                c[j] = s;
                if (!active[j]) {
                    cMax = Math.max(cMax, Math.abs(s));
                }
            }
            for (int j = 0; j < d; j++) {
                if (active[j]) {
                    cMax = Math.max(cMax, Math.abs(c[j]));
                }
            }
            if (cMax < EPS) {
                break;
            }
            int activeCount = 0;
            for (boolean a : active) {
                activeCount += a ? 1 : 0;
            }
            if (activeCount == 0) {
                int best = -1;
                for (int j = 0; j < d; j++) {
                    if (best < 0 || Math.abs(c[j]) > Math.abs(c[best])) {
                        best = j;
                    }
                }
                active[best] = true;
                activeCount = 1;
            }
            int[] a = new int[activeCount];
            int m = 0;
            for (int j = 0; j < d; j++) {
                if (active[j]) {
                    a[m++] = j;
                }
            }
            double[] ga = new double[m * m];
            double[] sa = new double[m];
            for (int i = 0; i < m; i++) {
                sa[i] = Math.signum(c[a[i]]);
                if (sa[i] == 0) {
                    sa[i] = 1;
                }
                for (int k = 0; k < m; k++) {
                    ga[i * m + k] = gram[a[i] * d + a[k]];
                }
            }
            double[] w = LinearSolve.symmetric(ga, sa, m);
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += sa[i] * w[i];
            }
            if (!(norm > 0)) {
                break;
            }
            double aa = 1.0 / Math.sqrt(norm);
            double[] dir = new double[d];
            for (int i = 0; i < m; i++) {
                dir[a[i]] = aa * w[i];
            }
            // Correlation change per unit step for every feature: G · dir.
            double gamma = cMax / aa;
            int enter = -1;
            if (m < maxActive) {
                for (int j = 0; j < d; j++) {
                    if (active[j]) {
                        continue;
                    }
                    double aj = 0;
                    for (int i = 0; i < m; i++) {
                        aj += gram[j * d + a[i]] * dir[a[i]];
                    }
                    double g1 = (cMax - c[j]) / (aa - aj);
                    double g2 = (cMax + c[j]) / (aa + aj);
                    if (g1 > EPS && g1 < gamma) {
                        gamma = g1;
                        enter = j;
                    }
                    if (g2 > EPS && g2 < gamma) {
                        gamma = g2;
                        enter = j;
                    }
                }
            }
            int drop = -1;
            for (int i = 0; i < m; i++) {
                int j = a[i];
                if (dir[j] != 0) {
                    double gj = -beta[j] / dir[j];
                    if (gj > EPS && gj < gamma) {
                        gamma = gj;
                        drop = j;
                        enter = -1;
                    }
                }
            }
            double[] next = beta.clone();
            for (int i = 0; i < m; i++) {
                next[a[i]] += gamma * dir[a[i]];
            }
            if (drop >= 0) {
                next[drop] = 0.0;
                active[drop] = false;
            }
            if (enter >= 0) {
                active[enter] = true;
            }
            beta = next;
            path.add(beta.clone());
            if (enter < 0 && drop < 0) {
                break; // reached the least-squares end of the path
            }
        }
        return path;
    }
}
