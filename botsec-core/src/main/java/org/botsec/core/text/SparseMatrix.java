package org.botsec.core.text;

import org.botsec.core.linalg.Matrix;

/**
 * A compressed sparse row (CSR) matrix: row i holds {@code values[k]} at column {@code indices[k]} for
 * {@code k in [indptr[i], indptr[i+1])}, columns ascending within a row. The arrays are exposed (not copied) for
 * fast loops; treat them as read-only.
 */
public record SparseMatrix(int rows, int cols, int[] indptr, int[] indices, double[] values) {
    public SparseMatrix {
        if (rows < 0 || cols < 0 || indptr.length != rows + 1 || indices.length != values.length
                || indptr[0] != 0 || indptr[rows] != values.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays for a " + rows + "x" + cols + " matrix");
        }
    }

    /** Number of stored entries. */
    public int nonZeros() {
        return values.length;
    }

    /** The dense copy. */
    public Matrix toDense() {
        Matrix m = new Matrix(rows, cols);
        double[] a = m.data();
        for (int i = 0; i < rows; i++) {
            for (int k = indptr[i]; k < indptr[i + 1]; k++) {
                a[i * cols + indices[k]] = values[k];
            }
        }
        return m;
    }
}
