package org.botsec.explain.internal;

import java.util.SplittableRandom;

/** Standard normal CDF and quantile, and truncated-normal sampling by inversion. */
public final class Normal {
    private Normal() {
    }

    /** Φ(x), via erfc with the Numerical Recipes Chebyshev fit (relative error &lt; 1.2e-7). */
    public static double cdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /** Φ⁻¹(p) by Acklam's rational approximation (relative error &lt; 1.2e-9). */
    public static double quantile(double p) {
        if (p <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double plow = 0.02425;
        if (p < plow) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - plow) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /** A draw of N(mean, sd²) truncated to [lo, hi] (lo ≤ hi), by inverting the CDF. */
    public static double truncated(double mean, double sd, double lo, double hi, SplittableRandom random) {
        if (!(hi > lo) || !(sd > 0)) {
            return lo;
        }
        double a = cdf((lo - mean) / sd);
        double b = cdf((hi - mean) / sd);
        double v;
        if (b - a < 1e-12) {
            v = lo + random.nextDouble() * (hi - lo); // far in a tail: the density is flat enough there
        } else {
            v = mean + sd * quantile(a + random.nextDouble() * (b - a));
        }
        return Math.max(lo, Math.min(hi, v));
    }
}
