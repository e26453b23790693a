package org.botsec.core.model.internal.linear;

import org.botsec.core.linalg.Matrix;

/** A dense design matrix; products through BLAS. */
public record DenseDesign(Matrix x) implements Design {
    @Override
    public int rows() {
        return x.rows();
    }

    @Override
    public int cols() {
        return x.cols();
    }

    @Override
    public void scores(double[] w, int r, double[] out) {
        Matrix wm = new Matrix(r, x.cols(), w.length == r * x.cols() ? w : java.util.Arrays.copyOf(w, r * x.cols()));
        Matrix o = new Matrix(x.rows(), r, out.length == x.rows() * r ? out : new double[x.rows() * r]);
        Matrix.gemm(false, true, 1.0, x, wm, 0.0, o);
        if (o.data() != out) {
            System.arraycopy(o.data(), 0, out, 0, o.data().length);
        }
    }

    @Override
    public void transposeTimes(double[] g, int r, double[] out) {
        Matrix gm = new Matrix(x.rows(), r, g.length == x.rows() * r ? g : java.util.Arrays.copyOf(g, x.rows() * r));
        Matrix o = new Matrix(r, x.cols(), out.length == r * x.cols() ? out : new double[r * x.cols()]);
        Matrix.gemm(true, false, 1.0, gm, x, 0.0, o);
        if (o.data() != out) {
            System.arraycopy(o.data(), 0, out, 0, o.data().length);
        }
    }
}
