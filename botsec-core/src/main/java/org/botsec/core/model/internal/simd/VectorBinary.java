package org.botsec.core.model.internal.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of a binary linear model (JEP 414, {@code jdk.incubator.vector}): only loaded when
 * {@link Simd#AVAILABLE}. Scores: each row's {@code Σ_j (x_j − μ_j) · w_j} is taken four features at a time in one
 * 256-bit accumulator (one vector subtraction and fused multiply-add per four values), the four lanes are added
 * ({@code reduceLanes}), the last {@code d mod 4} features are added one by one with {@code Math.fma}, then the
 * intercept; four rows at a time hide the multiply-add latency, and a row left over takes the same steps alone,
 * so a row's score does not depend on its position in the input. Against the scalar kernel ({@link ScalarBinary},
 * features summed in order) only the order of the additions differs: a few ulps of {@code Σ_j |(x_j − μ_j) w_j|}.
 *
 * <p>Probabilities: {@code [σ(−z), σ(z)]} by the same two-branch rule as
 * {@link org.botsec.core.linalg.Softmax}: {@code e = e^{−|z|}}, then {@code 1/(1+e)} and {@code e/(1+e)}, four rows
 * at a time with the Vector API's {@code EXP} (the JDK's vector math library where the CPU has one, else
 * {@code Math.exp} per lane); a partial group of rows is padded, so every row takes the vector steps.
 */
public final class VectorBinary {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    private static final int LANES = 4;
    /** Rows whose scores are kept in a small buffer (L1 cache) between the score and the probability step. */
    private static final int BLOCK = 256;

    private VectorBinary() {
    }

    /** True when the hardware's preferred vectors hold at least four doubles. */
    static boolean wideEnough() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256 && S.length() == LANES;
    }

    /**
     * Writes the n scores to {@code z[off + i·stride]}; arguments as {@link ScalarBinary#scores}.
     */
    public static void scores(double[] x, int n, int d, double[] mu, double[] ws, double b, double[] z, int off,
            int stride) {
        scoreRows(x, 0, n, d, mu, ws, b, z, off, stride);
    }

    /**
     * Writes the n probability pairs {@code [σ(−z_i), σ(z_i)]} to {@code p[2i], p[2i + 1]}, z the scores of
     * {@link #scores}; arguments as there.
     */
    public static void probabilities(double[] x, int n, int d, double[] mu, double[] ws, double b, double[] p) {
        int cap = Math.min(BLOCK, (n + LANES - 1) / LANES * LANES);
        double[] z = new double[cap];
        double[] lo = new double[cap];
        double[] hi = new double[cap];
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int start = 0; start < n; start += BLOCK) {
            int rows = Math.min(BLOCK, n - start);
            int padded = (rows + LANES - 1) / LANES * LANES;
            scoreRows(x, start * d, rows, d, mu, ws, b, z, 0, 1);
            java.util.Arrays.fill(z, rows, padded, 0.0);
            for (int i = 0; i < padded; i += LANES) {
                DoubleVector zv = DoubleVector.fromArray(S, z, i);
                DoubleVector e = zv.abs().neg().lanewise(VectorOperators.EXP);
                DoubleVector den = e.add(one);
                DoubleVector big = one.div(den);
                DoubleVector small = e.div(den);
                VectorMask<Double> nonNegative = zv.compare(VectorOperators.GE, 0.0);
                big.blend(small, nonNegative).intoArray(lo, i);
                small.blend(big, nonNegative).intoArray(hi, i);
            }
            for (int i = 0; i < rows; i++) {
                p[2 * (start + i)] = lo[i];
                p[2 * (start + i) + 1] = hi[i];
            }
        }
    }

    /** The scores of {@code n} rows starting at {@code x[from]}, to {@code z[off + i·stride]}. */
    private static void scoreRows(double[] x, int from, int n, int d, double[] mu, double[] ws, double b, double[] z,
            int off, int stride) {
        int full = d - d % LANES;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            int o0 = from + i * d;
            int o1 = o0 + d;
            int o2 = o1 + d;
            int o3 = o2 + d;
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            for (int j = 0; j < full; j += LANES) {
                DoubleVector m = DoubleVector.fromArray(S, mu, j);
                DoubleVector c = DoubleVector.fromArray(S, ws, j);
                a0 = DoubleVector.fromArray(S, x, o0 + j).sub(m).fma(c, a0);
                a1 = DoubleVector.fromArray(S, x, o1 + j).sub(m).fma(c, a1);
                a2 = DoubleVector.fromArray(S, x, o2 + j).sub(m).fma(c, a2);
                a3 = DoubleVector.fromArray(S, x, o3 + j).sub(m).fma(c, a3);
            }
            double s0 = a0.reduceLanes(VectorOperators.ADD);
            double s1 = a1.reduceLanes(VectorOperators.ADD);
            double s2 = a2.reduceLanes(VectorOperators.ADD);
            double s3 = a3.reduceLanes(VectorOperators.ADD);
            for (int j = full; j < d; j++) {
                double m = mu[j];
                double c = ws[j];
                s0 = Math.fma(x[o0 + j] - m, c, s0);
                s1 = Math.fma(x[o1 + j] - m, c, s1);
                s2 = Math.fma(x[o2 + j] - m, c, s2);
                s3 = Math.fma(x[o3 + j] - m, c, s3);
            }
            int t = off + i * stride;
            z[t] = s0 + b;
            z[t + stride] = s1 + b;
            z[t + 2 * stride] = s2 + b;
            z[t + 3 * stride] = s3 + b;
        }
        for (; i < n; i++) {
            int o = from + i * d;
            DoubleVector a = DoubleVector.zero(S);
            for (int j = 0; j < full; j += LANES) {
                a = DoubleVector.fromArray(S, x, o + j).sub(DoubleVector.fromArray(S, mu, j))
                        .fma(DoubleVector.fromArray(S, ws, j), a);
            }
            double s = a.reduceLanes(VectorOperators.ADD);
            for (int j = full; j < d; j++) {
                s = Math.fma(x[o + j] - mu[j], ws[j], s);
            }
            z[off + i * stride] = s + b;
        }
    }
}
