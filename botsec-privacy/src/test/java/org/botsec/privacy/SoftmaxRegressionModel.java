package org.botsec.privacy;

import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.PerExampleGradients;

/**
 * A tiny multinomial logistic regression for tests, with per-example gradients computed naively:
 * gᵢ = (softmax(W xᵢ + b) - e_yᵢ) ⊗ [xᵢ, 1]. Parameters: W row-major (k × d), then b (k).
 */
final class SoftmaxRegressionModel implements PerExampleGradients {
    final int d;
    final int k;
    final double[] theta;

    SoftmaxRegressionModel(int d, int k) {
        this.d = d;
        this.k = k;
        this.theta = new double[k * d + k];
    }

    @Override
    public int numParameters() {
        return theta.length;
    }

    @Override
    public void getParameters(double[] out) {
        System.arraycopy(theta, 0, out, 0, theta.length);
    }

    @Override
    public void setParameters(double[] in) {
        System.arraycopy(in, 0, theta, 0, theta.length);
    }

    double[] probabilities(double[] row) {
        double[] z = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double s = theta[k * d + c];
            for (int j = 0; j < d; j++) {
                s += theta[c * d + j] * row[j];
            }
            z[c] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        for (int c = 0; c < k; c++) {
            z[c] /= sum;
        }
        return z;
    }

    /** The gradient of example i's cross-entropy loss. */
    double[] exampleGradient(Matrix x, int[] labels, int i) {
        double[] row = x.row(i);
        double[] p = probabilities(row);
        p[labels[i]] -= 1;
        double[] g = new double[theta.length];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                g[c * d + j] = p[c] * row[j];
            }
            g[k * d + c] = p[c];
        }
        return g;
    }

    @Override
    public double[] groupGradientSquaredNorms(Matrix x, int[] labels, int[] groups, int numGroups) {
        double[][] sums = new double[numGroups][theta.length];
        for (int i = 0; i < labels.length; i++) {
            double[] g = exampleGradient(x, labels, i);
            for (int p = 0; p < g.length; p++) {
                sums[groups[i]][p] += g[p];
            }
        }
        double[] out = new double[numGroups];
        for (int gI = 0; gI < numGroups; gI++) {
            double s = 0;
            for (double v : sums[gI]) {
                s += v * v;
            }
            out[gI] = s;
        }
        return out;
    }

    @Override
    public void weightedGradientSum(Matrix x, int[] labels, double[] weights, double[] out) {
        java.util.Arrays.fill(out, 0.0);
        for (int i = 0; i < labels.length; i++) {
            double[] g = exampleGradient(x, labels, i);
            for (int p = 0; p < g.length; p++) {
                out[p] += weights[i] * g[p];
            }
        }
    }

    double accuracy(Matrix x, int[] y) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            double[] p = probabilities(x.row(i));
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            ok += best == y[i] ? 1 : 0;
        }
        return (double) ok / y.length;
    }
}
