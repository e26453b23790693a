package org.botsec.core.linalg;

/**
 * The one implementation of the logistic and softmax link functions that every BotSec model and consumer calls,
 * with one numerical-stability rule: <b>subtract the row maximum before exponentiating</b>. For a binary score z
 * that rule, applied to the two logits {@code [0, z]}, is the two-branch sigmoid: {@code 1 / (1 + e^{−z})} for
 * z ≥ 0 and {@code e^{z} / (1 + e^{z})} otherwise, so no exponential ever overflows and the small probability
 * keeps full relative precision down to the subnormal range (instead of being computed as {@code 1 − p}).
 * Cross-entropies are computed as {@code log1p(Σ_{c ≠ argmax} e^{z_c − max}) − (z_y − max)}, which keeps the
 * relative precision of a small loss even when the logits are large (Goodfellow, Bengio, Courville 2016, "Deep Learning", §4.1).
 *
 * <p>Binary models (one score row per example, as scikit-learn's {@code LogisticRegression}) give
 * {@code [P(class 0), P(class 1)] = [σ(−z), σ(z)]}; models with k &gt; 2 score rows give {@code softmax(z)}.
 * Stateless and thread-safe; the array methods allocate nothing.
 */
public final class Softmax {
    private Softmax() {
    }

    /** {@code 1 / (1 + e^{−z})}, from the branch that cannot overflow ({@link org.botsec.core.math.Logistic}). */
    public static double sigmoid(double z) {
        return org.botsec.core.math.Logistic.sigmoid(z);
    }

    /** {@code log(1 + e^{z})} without overflow (for z &gt; 0 as {@code z + log1p(e^{−z})}). */
    public static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }

    /**
     * The cross-entropy of a binary score: {@code −log σ(z)} for label 1 and {@code −log σ(−z)} = {@code −log(1 −
     * σ(z))} for label 0, each as a softplus so that neither cancels.
     *
     * @param label 0 or 1
     */
    public static double binaryCrossEntropy(double z, int label) {
        return softplus(label == 1 ? -z : z);
    }

    /** {@code log Σ_c e^{z[off + c]}} over {@code k ≥ 1} values, with the maximum shifted out. */
    public static double logSumExp(double[] z, int off, int k) {
        int arg = argMax(z, off, k);
        double max = z[off + arg];
        if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
            return max;
        }
        double rest = 0;
        for (int c = 0; c < k; c++) {
            if (c != arg) {
                rest += Math.exp(z[off + c] - max);
            }
        }
        return max + Math.log1p(rest);
    }

    /**
     * Writes {@code softmax(z[off, off + k))} into {@code out[outOff, outOff + k)} ({@code out} may be {@code z}
     * itself, at the same offset).
     */
    public static void softmax(double[] z, int off, int k, double[] out, int outOff) {
        shiftedExp(z, off, k, out, outOff);
    }

    /**
     * Writes {@code softmax(z)} into {@code out} as {@link #softmax} does and returns the cross-entropy of
     * {@code label}, {@code −log softmax(z)_label}.
     */
    public static double softmaxCrossEntropy(double[] z, int off, int k, int label, double[] out, int outOff) {
        if (label < 0 || label >= k) {
            throw new IllegalArgumentException("label must be in [0, " + k + "), got " + label);
        }
        int arg = argMax(z, off, k);
        double shiftedLabel = z[off + label] - z[off + arg];
        double rest = shiftedExp(z, off, k, arg, out, outOff);
        return Math.log1p(rest) - shiftedLabel;
    }

    /**
     * Probabilities from linear scores: a binary model's n × 1 scores give n × 2 probabilities {@code [σ(−z),
     * σ(z)]}; n × k scores (k &gt; 2) give their row-wise softmax.
     *
     * @param scores     n × 1 (binary) or n × k
     * @param numClasses k: 2 with one score column, else the number of score columns
     */
    public static Matrix probabilities(Matrix scores, int numClasses) {
        int n = scores.rows();
        int r = scores.cols();
        if (!(r == 1 && numClasses == 2) && r != numClasses) {
            throw new IllegalArgumentException("scores have " + r + " columns, which does not fit " + numClasses
                    + " classes (1 column for 2 classes, else one per class)");
        }
        Matrix p = new Matrix(n, numClasses);
        double[] z = scores.data();
        double[] out = p.data();
        if (r == 1) {
            for (int i = 0; i < n; i++) {
                binary(z[i], out, 2 * i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                shiftedExp(z, i * r, r, out, i * r);
            }
        }
        return p;
    }

    /**
     * The probabilities of one example's scores, as {@link #probabilities(Matrix, int)}: one score gives
     * {@code [σ(−z), σ(z)]}, k &gt; 2 scores their softmax.
     *
     * @return a new array of length 2 (one score) or {@code scores.length}
     */
    public static double[] probabilities(double[] scores) {
        if (scores.length == 0 || scores.length == 2) {
            throw new IllegalArgumentException("need one score (binary model) or more than two, got "
                    + scores.length);
        }
        if (scores.length == 1) {
            double[] out = new double[2];
            binary(scores[0], out, 0);
            return out;
        }
        double[] out = new double[scores.length];
        shiftedExp(scores, 0, scores.length, out, 0);
        return out;
    }

    /**
     * Binary probabilities in place: {@code pz[2i + 1]} holds example i's score z on entry, and the pair
     * {@code pz[2i], pz[2i + 1]} holds {@code [σ(−z), σ(z)]} on return, for i &lt; n — the same bits as
     * {@link #probabilities(Matrix, int)} gives for the n × 1 scores, without a separate score array.
     */
    public static void binaryInPlace(double[] pz, int n) {
        if (n < 0 || 2L * n > pz.length) {
            throw new IllegalArgumentException("cannot hold " + n + " probability pairs in " + pz.length + " values");
        }
        for (int i = 0; i < n; i++) {
            binary(pz[2 * i + 1], pz, 2 * i);
        }
    }

    /**
     * {@code [σ(−z), σ(z)]} with one exponential: with {@code e = e^{−|z|}}, the two are {@code 1/(1+e)} and
     * {@code e/(1+e)} — exactly the bits of {@link #sigmoid} evaluated at z and −z.
     */
    private static void binary(double z, double[] out, int off) {
        double e = Math.exp(-Math.abs(z));
        double big = 1.0 / (1.0 + e);
        double small = e / (1.0 + e);
        boolean nonNegative = z >= 0;
        out[off] = nonNegative ? small : big;
        out[off + 1] = nonNegative ? big : small;
    }

    private static int argMax(double[] z, int off, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("need at least one value, got " + k);
        }
        int arg = 0;
        for (int c = 1; c < k; c++) {
            if (z[off + c] > z[off + arg]) {
                arg = c;
            }
        }
        return arg;
    }

    /**
     * out = e^{z − max} / Σ e^{z − max}. Returns Σ_{c ≠ argmax} e^{z_c − max}, the sum less the maximum's exact
     * e^0 = 1, so that a cross-entropy near 0 comes from {@code log1p} of it with full relative precision.
     */
    private static double shiftedExp(double[] z, int off, int k, double[] out, int outOff) {
        return shiftedExp(z, off, k, argMax(z, off, k), out, outOff);
    }

    private static double shiftedExp(double[] z, int off, int k, int arg, double[] out, int outOff) {
        double max = z[off + arg];
        double rest = 0;
        for (int c = 0; c < k; c++) {
            double e = Math.exp(z[off + c] - max);
            out[outOff + c] = e;
            if (c != arg) {
                rest += e;
            }
        }
        double sum = 1.0 + rest;
        for (int c = 0; c < k; c++) {
            out[outOff + c] /= sum;
        }
        return rest;
    }
}
