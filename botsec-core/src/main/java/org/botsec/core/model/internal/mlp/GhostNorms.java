package org.botsec.core.model.internal.mlp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.botsec.core.linalg.Matrix;

/**
 * Squared norms of per-group gradients of a dense layer, computed from the layer's inputs and back-propagated
 * signals without materialising one gradient per example ("ghost clipping": Goodfellow 2015, "Efficient
 * per-example gradient computations", arXiv:1510.01799; Li, Tramèr, Liang, Hashimoto 2022, "Large language
 * models can be strong differentially private learners", ICLR, Section 4).
 *
 * <p>For a dense layer z = W a + b, the gradient of the summed loss of a group g is
 * (Σ_{i∈g} δ_i a_iᵀ, Σ_{i∈g} δ_i), with δ_i = ∂loss_i/∂z_i. Its squared Frobenius norm is
 * Σ_{i,j∈g} (a_i·a_j + 1)(δ_i·δ_j) — the bias acts as a constant input of 1 — which for a group of one example
 * is (‖a_i‖² + 1)‖δ_i‖². When a group is so large that the pairwise sum costs more than forming the group's
 * gradient (|g|·(in + out) &gt; in·out), the gradient is formed with one BLAS product instead.
 *
 * <p>Not thread-safe: the large-group path reuses buffers.
 */
public final class GhostNorms {
    private final List<Map<Long, Matrix>> buffers =
            List.of(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());

    /**
     * Adds, for every group, the squared norm of that group's gradient of this layer (weights and bias) to
     * {@code out[g]}.
     *
     * @param inputs  n × in, the layer's input rows a_i
     * @param signals n × out, the back-propagated signals δ_i
     * @param groups  the rows of each group
     * @param out     per-group accumulators, length numGroups
     */
    public void accumulate(Matrix inputs, Matrix signals, GroupIndex groups, double[] out) {
        int in = inputs.cols();
        int outDim = signals.cols();
        double[] a = inputs.data();
        double[] d = signals.data();
        long pairwiseLimit = (long) in * outDim;
        for (int g = 0; g < groups.numGroups(); g++) {
            int s = groups.size(g);
            if (s == 0) {
                continue;
            }
            if (s == 1) {
                int i = groups.member(g, 0);
                out[g] += (dot(a, i * in, a, i * in, in) + 1.0) * dot(d, i * outDim, d, i * outDim, outDim);
            } else if ((long) s * (in + outDim) <= pairwiseLimit) {
                out[g] += pairwise(a, in, d, outDim, groups, g, s);
            } else {
                out[g] += materialised(inputs, signals, groups, g, s);
            }
        }
    }

    private static double pairwise(double[] a, int in, double[] d, int outDim, GroupIndex groups, int g, int s) {
        double diagonal = 0;
        double offDiagonal = 0;
        for (int p = 0; p < s; p++) {
            int i = groups.member(g, p);
            diagonal += (dot(a, i * in, a, i * in, in) + 1.0) * dot(d, i * outDim, d, i * outDim, outDim);
            for (int q = p + 1; q < s; q++) {
                int j = groups.member(g, q);
                double dd = dot(d, i * outDim, d, j * outDim, outDim);
                if (dd != 0.0) {
                    offDiagonal += (dot(a, i * in, a, j * in, in) + 1.0) * dd;
                }
            }
        }
        return diagonal + 2.0 * offDiagonal;
    }

    private double materialised(Matrix inputs, Matrix signals, GroupIndex groups, int g, int s) {
        int in = inputs.cols();
        int outDim = signals.cols();
        Matrix ag = buffer(0, s, in);
        Matrix dg = buffer(1, s, outDim);
        Matrix grad = buffer(2, outDim, in);
        double[] bias = buffer(3, 1, outDim).data();
        java.util.Arrays.fill(bias, 0.0);
        for (int p = 0; p < s; p++) {
            int i = groups.member(g, p);
            System.arraycopy(inputs.data(), i * in, ag.data(), p * in, in);
            System.arraycopy(signals.data(), i * outDim, dg.data(), p * outDim, outDim);
            for (int c = 0; c < outDim; c++) {
                bias[c] += signals.data()[i * outDim + c];
            }
        }
        Matrix.gemm(true, false, 1.0, dg, ag, 0.0, grad);
        double[] gd = grad.data();
        return dot(gd, 0, gd, 0, gd.length) + dot(bias, 0, bias, 0, outDim);
    }

    /** A reusable matrix per role and shape (roles keep equal shapes, e.g. s×in and out×in, apart). */
    private Matrix buffer(int role, int rows, int cols) {
        List<Map<Long, Matrix>> byRole = buffers;
        return byRole.get(role).computeIfAbsent(((long) rows << 32) | cols, k -> new Matrix(rows, cols));
    }

    /** Dot product of x[xo .. xo+len) and y[yo .. yo+len), four accumulators to shorten the dependency chain. */
    static double dot(double[] x, int xo, double[] y, int yo, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += x[xo + k] * y[yo + k];
            s1 += x[xo + k + 1] * y[yo + k + 1];
            s2 += x[xo + k + 2] * y[yo + k + 2];
            s3 += x[xo + k + 3] * y[yo + k + 3];
        }
        for (; k < len; k++) {
            s0 += x[xo + k] * y[yo + k];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
