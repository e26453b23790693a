package org.botsec.bench;

import org.botsec.core.model.internal.linear.Design;

/**
 * Baseline for the logistic-regression benchmark: the two products of the L-BFGS objective with plain Java
 * loops instead of BLAS. Plugged into the same objective and solver, it isolates what BLAS buys.
 */
public record NaiveDesign(double[] x, int rows, int cols) implements Design {
    @Override
    public void scores(double[] w, int r, double[] out) {
        for (int i = 0; i < rows; i++) {
            int xi = i * cols;
            for (int c = 0; c < r; c++) {
                double s = 0;
                int wc = c * cols;
                for (int k = 0; k < cols; k++) {
                    s += x[xi + k] * w[wc + k];
                }
                out[i * r + c] = s;
            }
        }
    }

    @Override
    public void transposeTimes(double[] g, int r, double[] out) {
        java.util.Arrays.fill(out, 0, r * cols, 0.0);
        for (int i = 0; i < rows; i++) {
            int xi = i * cols;
            for (int c = 0; c < r; c++) {
                double gi = g[i * r + c];
                int oc = c * cols;
                for (int k = 0; k < cols; k++) {
                    out[oc + k] += gi * x[xi + k];
                }
            }
        }
    }
}
