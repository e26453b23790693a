package org.botsec.explain.internal;

import org.botsec.core.linalg.Matrix;

/**
 * The same value function as {@link CoalitionValues}, e(S) = Σ_b w_b f(x_S, b_rest), for a model whose
 * probabilities are a sigmoid (one coefficient row) or softmax of linear scores. The score of a synthetic row
 * is the background row's score plus Σ_{j∈S} β_j (x_j − b_j), so no synthetic rows are built and each coalition
 * costs min(|S|, M − |S|) additions per background row and class instead of a full d-dimensional dot product
 * (large coalitions start from the all-x scores and subtract their complement).
 */
public final class LinearCoalitionValues {
    private final double[][] coef;
    private final double[] intercept;
    private final int label;
    private final int numClasses;
    private final Matrix background;
    private final double[] weights;

    /**
     * @param coef       r×d coefficients on raw inputs (r = 1 for binary models: the row of class 1)
     * @param intercept  r intercepts
     * @param numClasses k (2 when r = 1)
     */
    public LinearCoalitionValues(double[][] coef, double[] intercept, int numClasses, int label, Matrix background,
            double[] weights) {
        this.coef = coef;
        this.intercept = intercept;
        this.numClasses = numClasses;
        this.label = label;
        this.background = background;
        this.weights = weights;
    }

    public double[] expectedOutputs(double[] x, int[] columns, byte[] masks, int count) {
        int n = background.rows();
        int d = background.cols();
        int m = columns.length;
        int r = coef.length;
        double[] bg = background.data();
        double[] base = new double[n * r];
        double[] delta = new double[n * m * r];
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < r; c++) {
                double z = intercept[c];
                for (int j = 0; j < d; j++) {
                    z += coef[c][j] * bg[b * d + j];
                }
                base[b * r + c] = z;
                for (int f = 0; f < m; f++) {
                    int col = columns[f];
                    delta[(f * n + b) * r + c] = coef[c][col] * (x[col] - bg[b * d + col]);
                }
            }
        }
        // The scores with every feature taken from x; a large coalition is cheaper as "all minus its complement".
        double[] full = base.clone();
        for (int f = 0; f < m; f++) {
            for (int t = 0; t < n * r; t++) {
                full[t] += delta[f * n * r + t];
            }
        }
        double[] out = new double[count];
        // Coalitions are independent: large jobs are split over the cores (the function is pure).
        int blocks = (long) count * n * r < 50_000 ? 1
                : Math.min(count, 4 * Runtime.getRuntime().availableProcessors());
        int per = (count + blocks - 1) / blocks;
        java.util.stream.IntStream.range(0, blocks).parallel().forEach(blk -> evaluate(blk * per,
                Math.min(count, (blk + 1) * per), masks, m, n, r, base, full, delta, out));
        return out;
    }

    private void evaluate(int from, int to, byte[] masks, int m, int n, int r, double[] base, double[] full,
            double[] delta, double[] out) {
        int[] in = new int[m];
        int[] outside = new int[m];
        double[] z = new double[n * r];
        for (int s = from; s < to; s++) {
            int a = 0;
            int o = 0;
            for (int f = 0; f < m; f++) {
                if (masks[s * m + f] != 0) {
                    in[a++] = f;
                } else {
                    outside[o++] = f;
                }
            }
            boolean fromFull = o < a;
            System.arraycopy(fromFull ? full : base, 0, z, 0, n * r);
            int[] list = fromFull ? outside : in;
            int len = fromFull ? o : a;
            for (int i = 0; i < len; i++) {
                int off = list[i] * n * r;
                if (fromFull) {
                    for (int t = 0; t < n * r; t++) {
                        z[t] -= delta[off + t];
                    }
                } else {
                    for (int t = 0; t < n * r; t++) {
                        z[t] += delta[off + t];
                    }
                }
            }
            double e = 0;
            if (r == 1) {
                double dir = label == 1 ? 1.0 : -1.0;
                for (int b = 0; b < n; b++) {
                    e += weights[b] / (1.0 + Math.exp(-dir * z[b]));
                }
            } else {
                for (int b = 0; b < n; b++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < r; c++) {
                        max = Math.max(max, z[b * r + c]);
                    }
                    double sum = 0;
                    for (int c = 0; c < r; c++) {
                        sum += Math.exp(z[b * r + c] - max);
                    }
                    e += weights[b] * Math.exp(z[b * r + label] - max) / sum;
                }
            }
            out[s] = e;
        }
    }

    int numClasses() {
        return numClasses;
    }
}
