package org.botsec.core.model;

/**
 * The oracle for the MLP gradient tests: the gradient of ONE example's cross-entropy, computed alone with plain
 * loops from the flat parameter vector (layer by layer: weight out×in row-major, then bias), no BLAS and no
 * shared code with {@link Mlp}.
 */
final class MlpNaiveOracle {
    private MlpNaiveOracle() {
    }

    /** ∇θ loss(x, y) for one example, same flat layout as {@link Mlp#getParameters}. */
    static double[] exampleGradient(int[] sizes, double[] theta, double[] x, int y) {
        int layers = sizes.length - 1;
        double[][] acts = new double[layers + 1][];
        double[][] pre = new double[layers][];
        int[] offsets = new int[layers];
        int off = 0;
        for (int l = 0; l < layers; l++) {
            offsets[l] = off;
            off += sizes[l + 1] * sizes[l] + sizes[l + 1];
        }
        acts[0] = x.clone();
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            pre[l] = new double[out];
            acts[l + 1] = new double[out];
            for (int o = 0; o < out; o++) {
                double s = theta[offsets[l] + out * in + o];
                for (int i = 0; i < in; i++) {
                    s += theta[offsets[l] + o * in + i] * acts[l][i];
                }
                pre[l][o] = s;
                acts[l + 1][o] = l < layers - 1 ? Math.max(0, s) : s;
            }
        }
        double[] z = pre[layers - 1];
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double[] delta = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            delta[c] = Math.exp(z[c] - max) / sum - (c == y ? 1 : 0);
        }
        double[] grad = new double[theta.length];
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    grad[offsets[l] + o * in + i] = delta[o] * acts[l][i];
                }
                grad[offsets[l] + out * in + o] = delta[o];
            }
            if (l > 0) {
                double[] prev = new double[in];
                for (int i = 0; i < in; i++) {
                    double s = 0;
                    for (int o = 0; o < out; o++) {
                        s += delta[o] * theta[offsets[l] + o * in + i];
                    }
                    prev[i] = pre[l - 1][i] > 0 ? s : 0;
                }
                delta = prev;
            }
        }
        return grad;
    }

    /** loss(x, y) = −log softmax(z)_y, plain loops. */
    static double exampleLoss(int[] sizes, double[] theta, double[] x, int y) {
        int layers = sizes.length - 1;
        double[] a = x.clone();
        int off = 0;
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double[] next = new double[out];
            for (int o = 0; o < out; o++) {
                double s = theta[off + out * in + o];
                for (int i = 0; i < in; i++) {
                    s += theta[off + o * in + i] * a[i];
                }
                next[o] = l < layers - 1 ? Math.max(0, s) : s;
            }
            off += out * in + out;
            a = next;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : a) {
            sum += Math.exp(v - max);
        }
        return Math.log(sum) + max - a[y];
    }
}
