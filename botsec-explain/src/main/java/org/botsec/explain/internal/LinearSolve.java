package org.botsec.explain.internal;

/** Small dense solvers for the normal equations of local surrogate models. */
public final class LinearSolve {
    private LinearSolve() {
    }

    /**
     * Solves {@code a · x = b} for a symmetric positive semi-definite p×p matrix (row-major, not modified) by
     * Cholesky. A singular system (e.g. an unregularised fit with a constant column) is retried with a ridge of
     * 1e-10·trace/p, which picks a near-minimum-norm solution instead of failing.
     */
    public static double[] symmetric(double[] a, double[] b, int p) {
        double[] x = cholesky(a, b, p, 0.0);
        if (x == null) {
            double trace = 0;
            for (int i = 0; i < p; i++) {
                trace += a[i * p + i];
            }
            double jitter = Math.max(1e-10 * trace / Math.max(1, p), 1e-300);
            for (int k = 0; k < 30 && x == null; k++, jitter *= 10) {
                x = cholesky(a, b, p, jitter);
            }
            if (x == null) {
                throw new ArithmeticException("normal equations are not positive semi-definite");
            }
        }
        return x;
    }

    private static double[] cholesky(double[] a, double[] b, int p, double ridge) {
        double[] l = new double[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * p + j] + (i == j ? ridge : 0.0);
                for (int k = 0; k < j; k++) {
                    s -= l[i * p + k] * l[j * p + k];
                }
                if (i == j) {
                    double scale = Math.abs(a[i * p + i]) + ridge;
                    if (!(s > 1e-13 * Math.max(scale, 1e-300))) {
                        return null;
                    }
                    l[i * p + i] = Math.sqrt(s);
                } else {
                    l[i * p + j] = s / l[j * p + j];
                }
            }
        }
        double[] y = new double[p];
        for (int i = 0; i < p; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i * p + k] * y[k];
            }
            y[i] = s / l[i * p + i];
        }
        double[] x = new double[p];
        for (int i = p - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < p; k++) {
                s -= l[k * p + i] * x[k];
            }
            x[i] = s / l[i * p + i];
        }
        return x;
    }
}
