package org.botsec.core.model.internal.linear;

import java.util.Arrays;

/** A sparse (CSR) design matrix; products in O(non-zeros · r). */
public record CsrDesign(int rows, int cols, int[] indptr, int[] indices, double[] values) implements Design {
    @Override
    public void scores(double[] w, int r, double[] out) {
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < r; c++) {
                double s = 0;
                int off = c * cols;
                for (int k = indptr[i]; k < indptr[i + 1]; k++) {
                    s += values[k] * w[off + indices[k]];
                }
                out[i * r + c] = s;
            }
        }
    }

    @Override
    public void transposeTimes(double[] g, int r, double[] out) {
        Arrays.fill(out, 0, r * cols, 0.0);
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < r; c++) {
                double gi = g[i * r + c];
                if (gi == 0) {
                    continue;
                }
                int off = c * cols;
                for (int k = indptr[i]; k < indptr[i + 1]; k++) {
                    out[off + indices[k]] += gi * values[k];
                }
            }
        }
    }
}
