package org.botsec.bench;

/**
 * Baseline: the training step of {@link org.botsec.core.model.Mlp#meanLossGradient} (forward, softmax
 * cross-entropy, backward to the mean gradient) written with plain Java loops instead of BLAS — row-by-row dot
 * products and axpy updates in cache-friendly order, the way one would write it without a linear-algebra
 * library. Same flat parameter layout as {@code Mlp} (per layer: weight out×in row-major, then bias), so the
 * same optimiser can drive it.
 */
public final class NaiveMlp {
    private final int[] sizes;
    private final int[] offsets;
    private final int numParameters;
    private double[][] acts = new double[0][];
    private double[][] deltas = new double[0][];
    private int batch = -1;

    public NaiveMlp(int[] sizes) {
        this.sizes = sizes.clone();
        offsets = new int[sizes.length - 1];
        int off = 0;
        for (int l = 0; l < sizes.length - 1; l++) {
            offsets[l] = off;
            off += sizes[l + 1] * sizes[l] + sizes[l + 1];
        }
        numParameters = off;
    }

    public int numParameters() {
        return numParameters;
    }

    private void ensure(int n) {
        if (n == batch) {
            return;
        }
        int layers = sizes.length - 1;
        acts = new double[layers][];
        deltas = new double[layers][];
        for (int l = 0; l < layers; l++) {
            acts[l] = new double[n * sizes[l + 1]];
            deltas[l] = new double[n * sizes[l + 1]];
        }
        batch = n;
    }

    /**
     * Mean cross-entropy of the batch and its gradient.
     *
     * @param x     n × sizes[0], row-major
     * @param n     rows
     * @param theta parameters (flat, Mlp layout)
     * @param grad  receives the gradient of the mean loss
     * @return the mean loss
     */
    public double meanLossGradient(double[] x, int n, int[] y, double[] theta, double[] grad) {
        ensure(n);
        int layers = sizes.length - 1;
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double[] a = l == 0 ? x : acts[l - 1];
            double[] z = acts[l];
            int w = offsets[l];
            int b = w + out * in;
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < out; o++) {
                    double s = theta[b + o];
                    int wo = w + o * in;
                    int ai = i * in;
                    for (int k = 0; k < in; k++) {
                        s += theta[wo + k] * a[ai + k];
                    }
                    z[i * out + o] = l < layers - 1 ? Math.max(0.0, s) : s;
                }
            }
        }
        int k = sizes[layers];
        double[] logits = acts[layers - 1];
        double[] d = deltas[layers - 1];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, logits[i * k + c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(logits[i * k + c] - max);
            }
            loss += Math.log(sum) + max - logits[i * k + y[i]];
            for (int c = 0; c < k; c++) {
                d[i * k + c] = (Math.exp(logits[i * k + c] - max) / sum - (c == y[i] ? 1 : 0)) / n;
            }
        }
        java.util.Arrays.fill(grad, 0.0);
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double[] a = l == 0 ? x : acts[l - 1];
            double[] dl = deltas[l];
            int w = offsets[l];
            int b = w + out * in;
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < out; o++) {
                    double g = dl[i * out + o];
                    grad[b + o] += g;
                    int wo = w + o * in;
                    int ai = i * in;
                    for (int q = 0; q < in; q++) {
                        grad[wo + q] += g * a[ai + q];
                    }
                }
            }
            if (l > 0) {
                double[] prev = deltas[l - 1];
                double[] prevAct = acts[l - 1];
                java.util.Arrays.fill(prev, 0.0);
                for (int i = 0; i < n; i++) {
                    for (int o = 0; o < out; o++) {
                        double g = dl[i * out + o];
                        int wo = w + o * in;
                        int pi = i * in;
                        for (int q = 0; q < in; q++) {
                            prev[pi + q] += g * theta[wo + q];
                        }
                    }
                    for (int q = 0; q < in; q++) {
                        if (prevAct[i * in + q] <= 0.0) {
                            prev[i * in + q] = 0.0;
                        }
                    }
                }
            }
        }
        return loss / n;
    }
}
