package org.botsec.core.model.internal.simd;

/**
 * The portable kernel of a binary linear model's scores, {@code b + Σ_j (x_j − μ_j) · w_j} for each row of a
 * row-major n × d input, where {@code w_j} is the coefficient already divided by the standardiser's scale (μ = 0
 * without a standardiser). The mean is subtracted from each value (not folded into the intercept, which would
 * cancel badly for large means); each value costs one subtraction and one fused multiply-add, summed in feature
 * order. Eight rows at a time with independent sums hide the multiply-add latency; a row's score does not depend
 * on its position in the input.
 */
public final class ScalarBinary {
    private ScalarBinary() {
    }

    /**
     * Writes the n scores to {@code z[off + i·stride]}.
     *
     * @param x  n × d values, row-major (at least n·d)
     * @param mu d means (zeros without a standardiser)
     * @param ws d coefficients divided by the scales
     * @param b  the intercept, added after the sum
     */
    public static void scores(double[] x, int n, int d, double[] mu, double[] ws, double b, double[] z, int off,
            int stride) {
        int i = 0;
        for (; i + 7 < n; i += 8) {
            int o = i * d;
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double a3 = 0;
            double a4 = 0;
            double a5 = 0;
            double a6 = 0;
            double a7 = 0;
            for (int j = 0; j < d; j++) {
                double m = mu[j];
                double c = ws[j];
                a0 = Math.fma(x[o + j] - m, c, a0);
                a1 = Math.fma(x[o + d + j] - m, c, a1);
                a2 = Math.fma(x[o + 2 * d + j] - m, c, a2);
                a3 = Math.fma(x[o + 3 * d + j] - m, c, a3);
                a4 = Math.fma(x[o + 4 * d + j] - m, c, a4);
                a5 = Math.fma(x[o + 5 * d + j] - m, c, a5);
                a6 = Math.fma(x[o + 6 * d + j] - m, c, a6);
                a7 = Math.fma(x[o + 7 * d + j] - m, c, a7);
            }
            int t = off + i * stride;
            z[t] = a0 + b;
            z[t + stride] = a1 + b;
            z[t + 2 * stride] = a2 + b;
            z[t + 3 * stride] = a3 + b;
            z[t + 4 * stride] = a4 + b;
            z[t + 5 * stride] = a5 + b;
            z[t + 6 * stride] = a6 + b;
            z[t + 7 * stride] = a7 + b;
        }
        for (; i < n; i++) {
            int o = i * d;
            double a = 0;
            for (int j = 0; j < d; j++) {
                a = Math.fma(x[o + j] - mu[j], ws[j], a);
            }
            z[off + i * stride] = a + b;
        }
    }
}
