package org.botsec.explain.internal;

import org.botsec.core.linalg.Matrix;

/**
 * The sufficient statistics of a weighted least-squares problem with intercept: weighted column means, the
 * weighted centred Gram matrix {@code G = Xcᵀ W Xc}, {@code b = Xcᵀ W yc} and {@code Σ w yc²}. Any subset of
 * columns can then be fitted by a small solve, which makes forward selection and repeated fits cheap. This is
 * exactly the problem scikit-learn's {@code Ridge(fit_intercept=True).fit(X, y, sample_weight=w)} solves: centre
 * by weighted means, then minimise Σ w (yc − Xc β)² + α‖β‖² (weights are not normalised).
 */
public final class WeightedDesign {
    private final int n;
    private final int d;
    private final double[] x0;
    private final double[] mean;
    private final double yMean;
    private final double[] gram;
    private final double[] xty;
    private final double syy;
    private final Matrix weightedCentred;
    private final double[] weightedCentredY;

    /**
     * @param data    n×d design (row 0 is the explained instance for LIME)
     * @param y       n targets
     * @param weights n non-negative sample weights, not all zero
     */
    public WeightedDesign(Matrix data, double[] y, double[] weights) {
        this.n = data.rows();
        this.d = data.cols();
        if (y.length != n || weights.length != n) {
            throw new IllegalArgumentException("targets/weights must have " + n + " entries");
        }
        double[] a = data.data();
        double sw = 0;
        double sy = 0;
        mean = new double[d];
        for (int i = 0; i < n; i++) {
            double w = weights[i];
            sw += w;
            sy += w * y[i];
            for (int j = 0; j < d; j++) {
                mean[j] += w * a[i * d + j];
            }
        }
        if (!(sw > 0)) {
            throw new IllegalArgumentException("sample weights sum to " + sw + ", must be > 0");
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= sw;
        }
        yMean = sy / sw;
        x0 = n > 0 ? data.row(0) : new double[d];
        weightedCentred = new Matrix(n, d);
        weightedCentredY = new double[n];
        double[] c = weightedCentred.data();
        double s = 0;
        for (int i = 0; i < n; i++) {
            double r = Math.sqrt(weights[i]);
            for (int j = 0; j < d; j++) {
                c[i * d + j] = (a[i * d + j] - mean[j]) * r;
            }
            double yc = (y[i] - yMean) * r;
            weightedCentredY[i] = yc;
            s += yc * yc;
        }
        syy = s;
        Matrix g = new Matrix(d, d);
        Matrix.gemm(true, false, 1.0, weightedCentred, weightedCentred, 0.0, g);
        gram = g.data();
        Matrix yv = new Matrix(n, 1, weightedCentredY);
        Matrix b = new Matrix(d, 1);
        Matrix.gemm(true, false, 1.0, weightedCentred, yv, 0.0, b);
        xty = b.data();
    }

    public int numFeatures() {
        return d;
    }

    /** A fit on a subset of columns. */
    public record Fit(int[] columns, double[] coef, double intercept, double score, double localPrediction) {
        public Fit {
            columns = columns.clone();
            coef = coef.clone();
        }

        /** The fitted columns (a copy). */
        @Override
        public int[] columns() {
            return columns.clone();
        }

        /** The coefficients, one per fitted column (a copy). */
        @Override
        public double[] coef() {
            return coef.clone();
        }
    }

    /** Ridge with penalty {@code alpha} on {@code columns}; score is the weighted R² on the data. */
    public Fit ridge(int[] columns, double alpha) {
        int p = columns.length;
        double[] a = new double[p * p];
        double[] b = new double[p];
        for (int i = 0; i < p; i++) {
            b[i] = xty[columns[i]];
            for (int j = 0; j < p; j++) {
                a[i * p + j] = gram[columns[i] * d + columns[j]];
            }
            a[i * p + i] += alpha;
        }
        double[] beta = p == 0 ? new double[0] : LinearSolve.symmetric(a, b, p);
        double intercept = yMean;
        double local = 0;
        double sse = syy;
        for (int i = 0; i < p; i++) {
            intercept -= mean[columns[i]] * beta[i];
            local += x0[columns[i]] * beta[i];
            // SSE = syy − 2 βᵀb + βᵀGβ, using the unpenalised Gram.
            double gb = 0;
            for (int j = 0; j < p; j++) {
                gb += gram[columns[i] * d + columns[j]] * beta[j];
            }
            sse += beta[i] * gb - 2 * beta[i] * b[i];
        }
        double score = syy > 0 ? 1.0 - sse / syy : (sse <= 0 ? 1.0 : 0.0);
        return new Fit(columns.clone(), beta, intercept, score, intercept + local);
    }

    /** The weighted, centred design √w·(X − x̄) (for the lasso path). */
    Matrix weightedCentred() {
        return weightedCentred;
    }

    /** The weighted centred Gram matrix (d×d, row-major, shared; do not modify). */
    double[] gram() {
        return gram;
    }

    /** Xcᵀ W yc (shared; do not modify). */
    double[] xty() {
        return xty;
    }

    /** The instance row (row 0). */
    double[] instance() {
        return x0;
    }

    int rows() {
        return n;
    }
}
