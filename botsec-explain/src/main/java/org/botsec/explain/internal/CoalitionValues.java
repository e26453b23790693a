package org.botsec.explain.internal;

import java.util.function.Function;
import org.botsec.core.linalg.Matrix;

/**
 * SHAP's interventional value function e(S) = Σ_b w_b f(x_S, b_rest) for many coalitions at once: features in S
 * take the explained row's values, the others the background row's. Coalitions are over the "varying" features
 * (the caller maps them to columns). Model calls are batched in chunks of at most {@link #CHUNK_ROWS} rows so
 * memory stays bounded whatever the number of coalitions; one buffer is reused across chunks, so the
 * prediction function must not keep a reference to its input matrix.
 */
public final class CoalitionValues {
    /**
     * Values (rows × features) per model call: small enough that the synthetic rows stay in cache and are not
     * a "humongous" allocation for the garbage collector, large enough to amortise the call.
     */
    public static final int CHUNK_VALUES = 1 << 15;

    private final Function<Matrix, Matrix> predict;
    private final int label;
    private final Matrix background;
    private final double[] backgroundWeights;

    public CoalitionValues(Function<Matrix, Matrix> predict, int label, Matrix background, double[] weights) {
        this.predict = predict;
        this.label = label;
        this.background = background;
        this.backgroundWeights = weights;
    }

    /**
     * Expected model output (not yet linked) for each coalition.
     *
     * @param x       the explained row
     * @param columns column of each varying feature
     * @param masks   row-major count×M 0/1 mask, M = columns.length
     * @param count   number of coalitions
     */
    public double[] expectedOutputs(double[] x, int[] columns, byte[] masks, int count) {
        int n = background.rows();
        int d = background.cols();
        int m = columns.length;
        double[] out = new double[count];
        int perChunk = Math.max(1, CHUNK_VALUES / (n * Math.max(1, d)));
        double[] bg = background.data();
        double[] buffer = new double[Math.min(perChunk, Math.max(count, 1)) * n * d];
        for (int start = 0; start < count; start += perChunk) {
            int c = Math.min(perChunk, count - start);
            Matrix synth = c * n * d == buffer.length ? new Matrix(c * n, d, buffer) : new Matrix(c * n, d);
            double[] s = synth.data();
            for (int k = 0; k < c; k++) {
                int base = k * n * d;
                System.arraycopy(bg, 0, s, base, n * d);
                int mo = (start + k) * m;
                for (int f = 0; f < m; f++) {
                    if (masks[mo + f] != 0) {
                        int col = columns[f];
                        double v = x[col];
                        for (int r = 0; r < n; r++) {
                            s[base + r * d + col] = v;
                        }
                    }
                }
            }
            Matrix p = predict.apply(synth);
            if (p.rows() != c * n || label >= p.cols()) {
                throw new IllegalStateException("prediction function returned " + p.rows() + "x" + p.cols()
                        + " for " + (c * n) + " rows");
            }
            int pc = p.cols();
            double[] pd = p.data();
            for (int k = 0; k < c; k++) {
                double e = 0;
                for (int r = 0; r < n; r++) {
                    e += backgroundWeights[r] * pd[(k * n + r) * pc + label];
                }
                out[start + k] = e;
            }
        }
        return out;
    }
}
