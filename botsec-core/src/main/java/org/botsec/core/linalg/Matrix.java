package org.botsec.core.linalg;

import dev.ludovic.netlib.blas.BLAS;
import java.util.Arrays;

/**
 * A dense, row-major matrix of doubles. The backing array is exposed on purpose ({@link #data()}) so that
 * hot loops can work on it without copies; element (r, c) is {@code data[r * cols + c]}.
 *
 * <p>Matrix products go through {@code dev.ludovic.netlib} BLAS, which uses native OpenBLAS when the machine
 * has it and a pure-Java (Vector API when available) kernel otherwise. Results therefore agree across
 * machines to rounding, not bit for bit. Not thread-safe for concurrent mutation.
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    private final double[] data;

    public Matrix(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("matrix shape must be non-negative, got " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = new double[Math.multiplyExact(rows, cols)];
    }

    /** Wraps {@code data} (not copied); its length must be rows*cols. */
    public Matrix(int rows, int cols, double[] data) {
        if (rows < 0 || cols < 0 || data.length != (long) rows * cols) {
            throw new IllegalArgumentException(
                    "data length " + data.length + " does not fit shape " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** Copies a rectangular array of rows. */
    public static Matrix of(double[][] values) {
        int r = values.length;
        int c = r == 0 ? 0 : values[0].length;
        Matrix m = new Matrix(r, c);
        for (int i = 0; i < r; i++) {
            if (values[i].length != c) {
                throw new IllegalArgumentException("row " + i + " has " + values[i].length + " values, expected " + c);
            }
            System.arraycopy(values[i], 0, m.data, i * c, c);
        }
        return m;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The backing row-major array (not a copy). */
    public double[] data() {
        return data;
    }

    public double get(int r, int c) {
        return data[r * cols + c];
    }

    public void set(int r, int c, double v) {
        data[r * cols + c] = v;
    }

    /** A copy of row {@code r}. */
    public double[] row(int r) {
        return Arrays.copyOfRange(data, r * cols, (r + 1) * cols);
    }

    public Matrix copy() {
        return new Matrix(rows, cols, data.clone());
    }

    /** A new matrix holding the given rows, in that order. */
    public Matrix selectRows(int[] indices) {
        Matrix out = new Matrix(indices.length, cols);
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data, indices[i] * cols, out.data, i * cols, cols);
        }
        return out;
    }

    /** {@code this · other}, through BLAS dgemm. */
    public Matrix multiply(Matrix other) {
        Matrix out = new Matrix(rows, other.cols);
        gemm(false, false, 1.0, this, other, 0.0, out);
        return out;
    }

    /**
     * {@code c = alpha · op(a) · op(b) + beta · c} for row-major matrices, where op transposes when asked.
     * Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ, so the operands are passed to dgemm swapped.
     */
    public static void gemm(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        int m = transA ? a.cols : a.rows;
        int k = transA ? a.rows : a.cols;
        int kb = transB ? b.cols : b.rows;
        int n = transB ? b.rows : b.cols;
        if (k != kb || c.rows != m || c.cols != n) {
            throw new IllegalArgumentException("gemm shapes do not fit: op(a) " + m + "x" + k + ", op(b) " + kb
                    + "x" + n + ", c " + c.rows + "x" + c.cols);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scaleInPlace(c.data, beta);
            return;
        }
        BLAS.getInstance().dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
                b.data, Math.max(1, b.cols), a.data, Math.max(1, a.cols), beta, c.data, Math.max(1, n));
    }

    private static void scaleInPlace(double[] v, double s) {
        for (int i = 0; i < v.length; i++) {
            v[i] = s == 0.0 ? 0.0 : v[i] * s;
        }
    }

    /** The name of the BLAS implementation in use (for benchmarks and logs). */
    public static String blasImplementation() {
        return BLAS.getInstance().getClass().getName();
    }

    @Override
    public String toString() {
        return "Matrix[" + rows + "x" + cols + "]";
    }
}
