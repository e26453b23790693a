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
 * batch, in buffers allocated once and reused by every FGSM/PGD step: scores z = x̃·Wᵀ + b (one dgemm), score
 * gradients p − onehot(t) (σ(z) − t for one coefficient row) in place, input gradients (p − onehot(t))·W (one
 * dgemm), ÷ scale through the standardiser. These are the operations of {@link LinearModel#lossInputGradient} in
 * the same order, with the softmax and sigmoid of {@link Softmax} (the one implementation), so the gradients are
 * bit-identical to the model's own; what is saved is the per-call work around the arithmetic — the n × d gradient
 * and standardised copies and the n × r score matrix allocated per call, argument checks, wrapper objects, and an
 * interface call that other models in the same JVM make polymorphic.
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
    /** Scores, then score gradients, n × r. */
    private final Matrix z;
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
        this.z = new Matrix(n, r);
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
        Matrix.gemm(false, true, 1.0, in, w, 0.0, z);
        double[] g = z.data();
        if (r == 1) {
            double b0 = b[0];
            for (int i = 0; i < n; i++) {
                g[i] = Softmax.sigmoid(g[i] + b0) - labels[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                softmaxMinusOnehot(g, i * r, labels[i]);
            }
        }
        Matrix.gemm(false, false, 1.0, z, w, 0.0, out);
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
     * g[o, o + r) ← softmax(g + b) − onehot(label), in three passes over the row: bias and argmax, exponentials
     * with their sum, division. The operations of {@link Softmax#softmax} in its order (the maximum is the first
     * largest value, every e^{z − max} is taken, the sum is 1 + Σ_{c ≠ argmax} in index order, each value is
     * divided by it) then the −1 of the label, so the values are the same bits; inlined here because the call's
     * separate argmax and bias loops and the branch per class cost as much as the exponentials on 10 classes.
     */
    private void softmaxMinusOnehot(double[] g, int o, int label) {
        int arg = 0;
        double max = g[o] += b[0];
        for (int c = 1; c < r; c++) {
            double v = g[o + c] += b[c];
            if (v > max) {
                max = v;
                arg = c;
            }
        }
        double rest = 0;
        for (int c = 0; c < r; c++) {
            double e = Math.exp(g[o + c] - max);
            g[o + c] = e;
            rest += c != arg ? e : 0.0;
        }
        double sum = 1.0 + rest;
        for (int c = 0; c < r; c++) {
            g[o + c] /= sum;
        }
        g[o + label] -= 1.0;
    }
}
