package org.botsec.attack.evasion.internal;

import java.util.Optional;
import org.botsec.attack.QueryCounter;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.model.GradientModel;
import org.botsec.core.model.LinearModel;

/**
 * Input gradients of a linear model (logistic or softmax regression, optionally behind a standardiser) for a whole
 * batch, in buffers allocated once and reused by every FGSM/PGD step: scores z = W·x̃ᵀ + b (one dgemm, class-major),
 * score gradients p − onehot(t) (σ(z) − t for one coefficient row) in place, input gradients (p − onehot(t))ᵀ·W (one
 * dgemm), ÷ scale through the standardiser. These are the operations of {@link LinearModel#lossInputGradient} in
 * the same order, with the softmax and sigmoid of {@link Softmax} (the one implementation), so the gradients are
 * the same values (bit-identical with this machine's OpenBLAS; a test holds them within 1e-12 of the model's, and
 * of finite differences); what is saved is the per-call work around the arithmetic — the n × d gradient and
 * standardised copies and the score matrix allocated per call, argument checks, wrapper objects, an interface call
 * that other models in the same JVM make polymorphic — and, by keeping the scores class-major, a softmax whose
 * loops run over the n examples, which C2 vectorises (over the r classes of one example, 10, it does not).
 *
 * <p>Not thread-safe: one instance per batch and thread.
 */
public final class LinearGradientKernel {
    private final int n;
    private final int d;
    private final int r;
    private final Matrix w;
    private final double[] b;
    private final Standardizer scaler;
    private final double[] scale;
    /** Standardised inputs, n × d (only with a standardiser). */
    private final Matrix xs;
    /** Scores, then score gradients, class-major: r × n (row c holds class c's score of every example). */
    private final Matrix z;
    /** {@link #z}'s array seen as n × r (the same values when r = 1). */
    private final Matrix zColumn;
    /** With r &gt; 1: the rows of {@link #z} as separate arrays, and per-example work arrays (length n). */
    private final double[][] zc;
    private final double[] max;
    private final double[] found;
    private final double[] keep;
    private final double[] rest;
    /** The counting wrapper the model came in, if any. */
    private final GradientModel counted;
    /** Input gradients, n × d (allocated by the first call that needs it). */
    private Matrix gx;

    private LinearGradientKernel(LinearModel model, int n, GradientModel counted) {
        this.counted = counted == model ? null : counted;
        this.n = n;
        this.d = model.numFeatures();
        this.r = model.coefRows();
        this.w = model.coef();
        this.b = model.intercept();
        this.scaler = model.scaler().orElse(null);
        this.scale = scaler == null ? null : scaler.scale();
        this.xs = scaler == null ? null : new Matrix(n, d);
        this.z = new Matrix(r, n);
        this.zColumn = new Matrix(n, r, z.data());
        int m = r > 1 ? n : 0;
        this.zc = new double[r > 1 ? r : 0][n];
        this.max = new double[m];
        this.found = new double[m];
        this.keep = new double[m];
        this.rest = new double[m];
    }

    /**
     * A kernel for batches of {@code n} rows when {@code model} is a {@link LinearModel}, or one inside a
     * {@link QueryCounter} wrapper (each evaluation is then counted there as the wrapper would count it); empty
     * otherwise.
     */
    public static Optional<LinearGradientKernel> of(GradientModel model, int n) {
        return QueryCounter.unwrap(model) instanceof LinearModel lm
                ? Optional.of(new LinearGradientKernel(lm, n, model)) : Optional.empty();
    }

    /**
     * ∂ loss_i / ∂ x_i for every row of {@code x} (n × d, labels already checked), as
     * {@link LinearModel#lossInputGradient} computes them. The returned array is this kernel's buffer: the next
     * call overwrites it.
     */
    public double[] inputGradient(Matrix x, int[] labels) {
        if (gx == null) {
            gx = new Matrix(n, d);
        }
        return inputGradient(x, labels, gx);
    }

    /** As {@link #inputGradient(Matrix, int[])}, into {@code out} (n × d, not {@code x}); returns its array. */
    public double[] inputGradient(Matrix x, int[] labels, Matrix out) {
        if (counted != null) {
            QueryCounter.countGradientOf(counted, n);
        }
        Matrix in = x;
        if (scaler != null) {
            scaler.transform(x, xs);
            in = xs;
        }
        // Scores class-major (z = W·x̃ᵀ), for the softmax's loops over examples; one coefficient row keeps x̃·Wᵀ,
        // the same n values in the same memory, whose BLAS call sums in the general path's order.
        if (r == 1) {
            Matrix.gemm(false, true, 1.0, in, w, 0.0, zColumn);
        } else {
            Matrix.gemm(false, true, 1.0, w, in, 0.0, z);
        }
        double[] g = z.data();
        if (r == 1) {
            double b0 = b[0];
            for (int i = 0; i < n; i++) {
                g[i] = Softmax.sigmoid(g[i] + b0) - labels[i];
            }
        } else {
            softmaxMinusOnehot(g, labels);
        }
        Matrix.gemm(true, false, 1.0, z, w, 0.0, out);
        double[] a = out.data();
        if (scale != null) {
            for (int i = 0; i < n; i++) {
                int o = i * d;
                for (int j = 0; j < d; j++) {
                    a[o + j] /= scale[j];
                }
            }
        }
        return a;
    }

    /**
     * Column i of g (r × n) ← softmax(g_i + b) − onehot(label_i) for every example, class by class over all
     * examples so that every loop but the exponentials' runs over n values and vectorises. The operations of
     * {@link Softmax#softmax} in its order, so the values are the same bits: the maximum (Math.max gives the same
     * value as its first-largest scan), every e^{z − max}, the sum 1 + Σ_{c ≠ argmax} in index order with the argmax
     * the first class at the maximum, each value divided by the sum; then the −1 of the label. The argmax is tracked
     * without a branch: isMax = 1 − min(−t·2^1200, 1) is 1 for t = z − max = ±0 and 0 for t &lt; 0 (as in
     * Perturbations' sign step), the first such class is taken, and e·keep adds e or exactly +0 to the sum.
     */
    private void softmaxMinusOnehot(double[] g, int[] labels) {
        double[] m = max;
        for (int c = 0; c < r; c++) {
            double[] zr = zc[c];
            System.arraycopy(g, c * n, zr, 0, n);
            double bc = b[c];
            for (int i = 0; i < n; i++) {
                zr[i] += bc;
            }
            if (c == 0) {
                System.arraycopy(zr, 0, m, 0, n);
            } else {
                for (int i = 0; i < n; i++) {
                    m[i] = Math.max(m[i], zr[i]);
                }
            }
        }
        java.util.Arrays.fill(found, 0.0);
        java.util.Arrays.fill(rest, 0.0);
        double[] f = found;
        double[] k = keep;
        double[] s = rest;
        for (int c = 0; c < r; c++) {
            double[] zr = zc[c];
            for (int i = 0; i < n; i++) {
                double isMax = 1.0 - Math.min((m[i] - zr[i]) * 0x1p600 * 0x1p600, 1.0);
                double first = isMax * (1.0 - f[i]);
                f[i] += first;
                k[i] = 1.0 - first;
            }
            for (int i = 0; i < n; i++) {
                zr[i] = Math.exp(zr[i] - m[i]);
            }
            for (int i = 0; i < n; i++) {
                s[i] += zr[i] * k[i];
            }
        }
        for (int i = 0; i < n; i++) {
            s[i] = 1.0 + s[i];
        }
        for (int c = 0; c < r; c++) {
            double[] zr = zc[c];
            for (int i = 0; i < n; i++) {
                zr[i] /= s[i];
            }
        }
        for (int i = 0; i < n; i++) {
            zc[labels[i]][i] -= 1.0;
        }
        for (int c = 0; c < r; c++) {
            System.arraycopy(zc[c], 0, g, c * n, n);
        }
    }
}
