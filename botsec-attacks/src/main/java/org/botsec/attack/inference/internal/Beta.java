package org.botsec.attack.inference.internal;

/**
 * The regularised incomplete beta function and its inverse, for exact binomial tails and Clopper–Pearson bounds.
 * I<sub>x</sub>(a, b) by the continued fraction of Didonato and Morris (as in Press et al., "Numerical Recipes",
 * §6.4), evaluated with the modified Lentz method; the inverse by bisection, which is slow but never leaves [0, 1].
 */
public final class Beta {
    private static final double TINY = 1e-300;
    private static final double EPS = 1e-15;
    private static final int MAX_ITERATIONS = 10_000;
    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7};

    private Beta() {
    }

    /** log Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; relative error about 1e-15). */
    public static double logGamma(double x) {
        if (x < 0.5) {
            // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double z = x - 1;
        double a = LANCZOS[0];
        double t = z + 7.5;
        for (int i = 1; i < LANCZOS.length; i++) {
            a += LANCZOS[i] / (z + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** The regularised incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1]. */
    public static double regularized(double x, double a, double b) {
        if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException("incomplete beta needs a, b > 0 and x in [0, 1], got x=" + x
                    + ", a=" + a + ", b=" + b);
        }
        if (x == 0 || x == 1) {
            return x;
        }
        double logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
        // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
        if (x < (a + 1) / (a + b + 2)) {
            return Math.exp(logFront) * continuedFraction(x, a, b) / a;
        }
        return 1 - Math.exp(logFront) * continuedFraction(1 - x, b, a) / b;
    }

    private static double continuedFraction(double x, double a, double b) {
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        d = Math.abs(d) < TINY ? TINY : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= MAX_ITERATIONS; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < TINY ? TINY : d;
            c = 1 + aa / c;
            c = Math.abs(c) < TINY ? TINY : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < TINY ? TINY : d;
            c = 1 + aa / c;
            c = Math.abs(c) < TINY ? TINY : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < EPS) {
                return h;
            }
        }
        throw new ArithmeticException("incomplete beta did not converge for x=" + x + ", a=" + a + ", b=" + b);
    }

    /** The p-quantile of the Beta(a, b) distribution: the x with I_x(a, b) = p. */
    public static double inverse(double p, double a, double b) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile level must be in [0, 1], got " + p);
        }
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 200 && hi - lo > 1e-16; i++) {
            double mid = 0.5 * (lo + hi);
            if (regularized(mid, a, b) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** P[Binomial(n, p) ≥ k] = I_p(k, n − k + 1), exact up to rounding. */
    public static double binomialUpperTail(long n, long k, double p) {
        if (k <= 0) {
            return 1;
        }
        if (k > n) {
            return 0;
        }
        return regularized(p, k, n - k + 1.0);
    }

    /** P[Binomial(n, p) = k], computed in log space. */
    public static double binomialPmf(long n, long k, double p) {
        if (k < 0 || k > n) {
            return 0;
        }
        if (p == 0) {
            return k == 0 ? 1 : 0;
        }
        if (p == 1) {
            return k == n ? 1 : 0;
        }
        double logChoose = logGamma(n + 1.0) - logGamma(k + 1.0) - logGamma(n - k + 1.0);
        return Math.exp(logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p));
    }
}
