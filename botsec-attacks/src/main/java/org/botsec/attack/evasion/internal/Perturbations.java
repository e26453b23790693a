package org.botsec.attack.evasion.internal;

import java.util.random.RandomGenerator;
import dev.ludovic.netlib.blas.BLAS;

/**
 * Batched kernels on row-major arrays (n rows of d values): one pass over a whole batch each, no per-example model
 * calls. Conventions are IBM ART's (FastGradientMethod._apply_norm, art.utils.projection), so that results agree
 * with it: sign(0) = 0 under L∞, a zero gradient gives a zero L2 step, the ε-ball projection rescales under L2.
 */
public final class Perturbations {
    private Perturbations() {
    }

    /** x ← clip(x + α·sign(g), lo, hi), sign(0) = 0 (Goodfellow et al. 2015). */
    public static void linfStep(double[] x, double[] g, double alpha, double lo, double hi) {
        for (int k = 0; k < x.length; k++) {
            double v = x[k] + step(g[k], alpha);
            x[k] = Math.min(Math.max(v, lo), hi);
        }
    }

    /**
     * One fused L∞ PGD step: x ← x0 + clamp(clip(x + α·sign(g), lo, hi) − x0, −ε, ε), the same values as
     * {@link #linfStep} followed by {@link #linfProject} in one pass over the arrays.
     */
    public static void linfStepProject(double[] x, double[] x0, double[] g, double alpha, double lo, double hi,
            double eps) {
        linfStepProject(x, x0, g, x, alpha, lo, hi, eps);
    }

    /**
     * As {@link #linfStepProject(double[], double[], double[], double, double, double, double)}, writing the new
     * point into {@code out}, which may be {@code x} or {@code g} (each value is read before it is written): FGSM
     * writes its gradient and then its result into one array.
     */
    public static void linfStepProject(double[] x, double[] x0, double[] g, double[] out, double alpha, double lo,
            double hi, double eps) {
        for (int k = 0; k < out.length; k++) {
            double v = Math.min(Math.max(x[k] + step(g[k], alpha), lo), hi);
            double b = x0[k];
            out[k] = b + Math.min(Math.max(v - b, -eps), eps);
        }
    }

    /**
     * FGSM's L∞ step from the clean input with the input's range check folded in:
     * out ← {@link #linfStepProject linfStepProject}(x, x, g) − (w − w), where, with u = max(lo − x, x − hi) and
     * the bounds taken at most ±Double.MAX_VALUE (so u is finite for every finite x), w = (u + |u|)·2^2400 is
     * exactly 0 when x[k] is finite and inside [lo, hi] (u ≤ 0) and +∞ or NaN for any other value. So w − w is +0
     * (subtracting it changes no value, −0 included) or NaN: the step's values, with a NaN wherever the input is
     * outside the range, which {@link #hasNaN} then finds and the caller names. One vectorised pass instead of the
     * step plus a separate check, whose test per value with a branch C2 does not vectorise (21 µs on 360 × 64).
     */
    public static void linfStepFromCheckedInput(double[] x, double[] g, double[] out, double alpha, double lo,
            double hi, double eps) {
        double lo1 = Math.max(lo, -Double.MAX_VALUE);
        double hi1 = Math.min(hi, Double.MAX_VALUE);
        for (int k = 0; k < out.length; k++) {
            double b = x[k];
            double v = Math.min(Math.max(b + step(g[k], alpha), lo), hi);
            double u = Math.max(lo1 - b, b - hi1);
            double w = (u + Math.abs(u)) * 0x1p800 * 0x1p800 * 0x1p800;
            out[k] = b + Math.min(Math.max(v - b, -eps), eps) - (w - w);
        }
    }

    /**
     * Whether some value of a is NaN: BLAS's Σ|a[k]| (dasum), since a NaN propagates through the sum and nothing
     * else makes one (|a[k]| ≥ 0, so no ∞ − ∞); C2 vectorises neither a branchy scan nor a sum.
     */
    public static boolean hasNaN(double[] a) {
        return a.length > 0 && Double.isNaN(BLAS.getInstance().dasum(a.length, a, 1));
    }

    /**
     * α·sign(g) with sign(0) = 0, branch-free so that C2 vectorises the loop (gradient signs are random, a branch
     * mispredicts half the time): |g|·2^1200 (in two steps) is ≥ 1 for every non-zero double, even the smallest
     * subnormal, so clamping g·2^1200 to [−1, 1] gives exactly −1, 0 or 1 (and −0 for −0, as copySign would).
     * Only multiplications and min/max, which C2 vectorises on JDK 17; {@code Math.copySign}, used here before,
     * kept the loop scalar and made the step 3× slower.
     */
    private static double step(double g, double alpha) {
        return alpha * Math.min(Math.max(g * 0x1p600 * 0x1p600, -1.0), 1.0);
    }

    /** x_i ← clip(x_i + α·g_i/‖g_i‖₂, lo, hi) per row; a row with ‖g_i‖ = 0 does not move. */
    public static void l2Step(double[] x, double[] g, int d, double alpha, double lo, double hi) {
        int n = x.length / d;
        for (int i = 0; i < n; i++) {
            int o = i * d;
            double s = sumSquares(g, o, d);
            if (s == 0) {
                continue;
            }
            double f = alpha / Math.sqrt(s);
            for (int j = 0; j < d; j++) {
                double v = x[o + j] + f * g[o + j];
                x[o + j] = Math.min(Math.max(v, lo), hi);
            }
        }
    }

    /**
     * {@link #l2Step} followed by {@link #l2Project}, one row at a time while the row is in L1 cache: the same
     * operations in the same order, so the same values.
     */
    public static void l2StepProject(double[] x, double[] x0, double[] g, int d, double alpha, double lo, double hi,
            double eps) {
        l2StepProject(x, x0, g, x, d, alpha, lo, hi, eps);
    }

    /**
     * As {@link #l2StepProject(double[], double[], double[], int, double, double, double, double)}, writing the new
     * point into {@code out}, which may be {@code x} or {@code g} (a row's gradient norm is taken before the row is
     * written).
     */
    public static void l2StepProject(double[] x, double[] x0, double[] g, double[] out, int d, double alpha,
            double lo, double hi, double eps) {
        int n = out.length / d;
        for (int i = 0; i < n; i++) {
            int o = i * d;
            double s = sumSquares(g, o, d);
            if (s != 0) {
                double f = alpha / Math.sqrt(s);
                for (int j = 0; j < d; j++) {
                    double v = x[o + j] + f * g[o + j];
                    out[o + j] = Math.min(Math.max(v, lo), hi);
                }
            } else if (out != x) {
                System.arraycopy(x, o, out, o, d);
            }
            double t = sumSquaredDiff(out, x0, o, d);
            double norm = Math.sqrt(t);
            if (norm <= eps) {
                continue;
            }
            double f = eps / norm;
            for (int j = 0; j < d; j++) {
                out[o + j] = x0[o + j] + (out[o + j] - x0[o + j]) * f;
            }
        }
    }

    /**
     * Σ_j g[o + j]² in four interleaved fused multiply-add chains, combined as (s0 + s1) + (s2 + s3): one chain
     * waits for the latency of every FMA before the next (64 in a row for a digits row), four keep the unit busy.
     * Every L2 norm here uses it, so the fused and separate steps agree bit for bit.
     */
    static double sumSquares(double[] g, int o, int d) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            s0 = Math.fma(g[o + j], g[o + j], s0);
            s1 = Math.fma(g[o + j + 1], g[o + j + 1], s1);
            s2 = Math.fma(g[o + j + 2], g[o + j + 2], s2);
            s3 = Math.fma(g[o + j + 3], g[o + j + 3], s3);
        }
        for (; j < d; j++) {
            s0 = Math.fma(g[o + j], g[o + j], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ_j (a[o + j] − b[o + j])², in the four chains of {@link #sumSquares}. */
    static double sumSquaredDiff(double[] a, double[] b, int o, int d) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            double e0 = a[o + j] - b[o + j];
            double e1 = a[o + j + 1] - b[o + j + 1];
            double e2 = a[o + j + 2] - b[o + j + 2];
            double e3 = a[o + j + 3] - b[o + j + 3];
            s0 = Math.fma(e0, e0, s0);
            s1 = Math.fma(e1, e1, s1);
            s2 = Math.fma(e2, e2, s2);
            s3 = Math.fma(e3, e3, s3);
        }
        for (; j < d; j++) {
            double e = a[o + j] - b[o + j];
            s0 = Math.fma(e, e, s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** x ← x0 + clamp(x − x0, −ε, ε) (projection onto the L∞ ball around x0). */
    public static void linfProject(double[] x, double[] x0, double eps) {
        for (int k = 0; k < x.length; k++) {
            double delta = Math.min(Math.max(x[k] - x0[k], -eps), eps);
            x[k] = x0[k] + delta;
        }
    }

    /** x_i ← x0_i + δ_i·min(1, ε/‖δ_i‖₂) with δ = x − x0 (projection onto the L2 ball by rescaling). */
    public static void l2Project(double[] x, double[] x0, int d, double eps) {
        int n = x.length / d;
        for (int i = 0; i < n; i++) {
            int o = i * d;
            double s = sumSquaredDiff(x, x0, o, d);
            double norm = Math.sqrt(s);
            if (norm <= eps) {
                continue;
            }
            double f = eps / norm;
            for (int j = 0; j < d; j++) {
                x[o + j] = x0[o + j] + (x[o + j] - x0[o + j]) * f;
            }
        }
    }

    /**
     * x ← clip(x0 + u, lo, hi) with u uniform in the L∞ ball of radius ε (each coordinate uniform in [−ε, ε]) or
     * uniform in the L2 ball (a Gaussian direction with radius ε·U^(1/d)), as Madry et al.'s random starts.
     */
    public static void randomStart(double[] x, double[] x0, int d, boolean linf, double eps, double lo, double hi,
            RandomGenerator rng) {
        int n = x0.length / d;
        for (int i = 0; i < n; i++) {
            int o = i * d;
            if (linf) {
                for (int j = 0; j < d; j++) {
                    x[o + j] = x0[o + j] + eps * (2 * rng.nextDouble() - 1);
                }
            } else {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double v = rng.nextGaussian();
                    x[o + j] = v;
                    s += v * v;
                }
                double radius = eps * Math.pow(rng.nextDouble(), 1.0 / d);
                double f = s == 0 ? 0 : radius / Math.sqrt(s);
                for (int j = 0; j < d; j++) {
                    x[o + j] = x0[o + j] + f * x[o + j];
                }
            }
        }
        for (int k = 0; k < x.length; k++) {
            x[k] = Math.min(Math.max(x[k], lo), hi);
        }
    }

    /** Index of the largest value of row i of an n × k array (first on ties, as numpy's argmax). */
    public static int argmax(double[] p, int i, int k) {
        int o = i * k;
        int best = 0;
        for (int c = 1; c < k; c++) {
            if (p[o + c] > p[o + best]) {
                best = c;
            }
        }
        return best;
    }

    /** Row-wise argmax of an n × k array. */
    public static int[] argmax(double[] p, int k) {
        int n = p.length / k;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = argmax(p, i, k);
        }
        return out;
    }
}
