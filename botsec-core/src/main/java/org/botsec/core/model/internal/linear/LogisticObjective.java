package org.botsec.core.model.internal.linear;

import org.botsec.core.linalg.Softmax;

/**
 * The objective scikit-learn's {@code LogisticRegression(penalty="l2")} minimises:
 * {@code F(W, b) = ½‖W‖² + C · Σ_i loss_i}, intercept b unpenalised. Binary (k = 2): one coefficient row,
 * {@code loss_i = log(1 + e^{z_i}) − y_i z_i} with {@code z_i = x_i·w + b} and y_i ∈ {0, 1}. Multinomial (k &gt; 2):
 * k rows, {@code loss_i = logsumexp(z_i) − z_{i,y_i}}. Parameters are flat: {@code [W row-major (r × d), b (r)]}.
 * Not thread-safe (reuses buffers).
 */
public final class LogisticObjective implements Lbfgs.Function {
    private final Design x;
    private final int[] y;
    private final int r;
    private final double c;
    private final int d;
    private final int n;
    private final double[] z;
    private final double[] gradW;

    /**
     * @param x          design, n × d
     * @param y          class index per row in [0, numClasses)
     * @param numClasses k ≥ 2
     * @param c          inverse regularisation strength C &gt; 0
     */
    public LogisticObjective(Design x, int[] y, int numClasses, double c) {
        this.x = x;
        this.y = y;
        this.r = numClasses == 2 ? 1 : numClasses;
        this.c = c;
        this.d = x.cols();
        this.n = x.rows();
        this.z = new double[n * r];
        this.gradW = new double[r * d];
    }

    /** Number of coefficient rows: 1 for binary, k for multinomial. */
    public int coefRows() {
        return r;
    }

    public int numParameters() {
        return r * d + r;
    }

    @Override
    public double valueAndGradient(double[] theta, double[] grad) {
        x.scores(theta, r, z);
        int bOff = r * d;
        double loss = 0;
        if (r == 1) {
            double b = theta[bOff];
            for (int i = 0; i < n; i++) {
                double zi = z[i] + b;
                loss += Softmax.binaryCrossEntropy(zi, y[i]);
                z[i] = c * (Softmax.sigmoid(zi) - y[i]); // z now holds C · ∂loss/∂z
            }
        } else {
            for (int i = 0; i < n; i++) {
                int off = i * r;
                for (int k = 0; k < r; k++) {
                    z[off + k] += theta[bOff + k];
                }
                loss += Softmax.softmaxCrossEntropy(z, off, r, y[i], z, off);
                for (int k = 0; k < r; k++) {
                    z[off + k] *= c; // C · softmax
                }
                z[off + y[i]] -= c;
            }
        }
        x.transposeTimes(z, r, gradW);
        double penalty = 0;
        for (int j = 0; j < r * d; j++) {
            penalty += theta[j] * theta[j];
            grad[j] = gradW[j] + theta[j];
        }
        for (int k = 0; k < r; k++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += z[i * r + k];
            }
            grad[bOff + k] = s;
        }
        return 0.5 * penalty + c * loss;
    }

}
