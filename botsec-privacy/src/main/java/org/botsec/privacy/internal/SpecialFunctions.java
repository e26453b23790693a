package org.botsec.privacy.internal;

/**
 * The complementary error function and the standard normal distribution, accurate to about 1e-15 relative in
 * the far tails (where accountants need them), and their logarithms without underflow.
 *
 * <p>erfc uses W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the
 * error function", Math. Comp. 23 (1969) 631-637) on the intervals [0, 0.46875], (0.46875, 4] and (4, ∞); the
 * two outer intervals approximate erfc(x)·exp(x²), which gives log erfc(x) for large x without underflow.
 */
public final class SpecialFunctions {
    private static final double ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;
    private static final double SQRT2 = Math.sqrt(2.0);
    private static final double LOG_HALF = Math.log(0.5);
    private static final double THRESHOLD = 0.46875;

    // Cody (1969), erf on [0, 0.46875]
    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
        3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
        2.84423683343917062e03};
    // Cody (1969), erfc(x)·exp(x²) on (0.46875, 4]
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
        1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
        1.23033935480374942e03};
    // Cody (1969), erfc(x)·exp(x²) on (4, ∞), in powers of 1/x²
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3};

    private SpecialFunctions() {
    }

    /** erf(x) for |x| ≤ 0.46875. */
    private static double erfSmall(double x) {
        double ysq = x * x;
        double num = A[4] * ysq;
        double den = ysq;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * ysq;
            den = (den + B[i]) * ysq;
        }
        return x * (num + A[3]) / (den + B[3]);
    }

    /** erfc(y)·exp(y²) for y > 0.46875 (the scaled complementary error function erfcx). */
    private static double erfcxTail(double y) {
        if (y <= 4.0) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            return (num + C[7]) / (den + D[7]);
        }
        double ysq = 1.0 / (y * y);
        double num = P[5] * ysq;
        double den = ysq;
        for (int i = 0; i < 4; i++) {
            num = (num + P[i]) * ysq;
            den = (den + Q[i]) * ysq;
        }
        double r = ysq * (num + P[4]) / (den + Q[4]);
        return (ONE_OVER_SQRT_PI - r) / y;
    }

    /** exp(-y²) computed as exp(-t²)·exp(-(y-t)(y+t)) with t = y rounded down to 1/16, which keeps precision. */
    private static double expMinusSquare(double y) {
        double t = Math.floor(y * 16.0) / 16.0;
        double del = (y - t) * (y + t);
        return Math.exp(-t * t) * Math.exp(-del);
    }

    /** The complementary error function erfc(x) = 1 - erf(x). */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return 1.0 - erfSmall(x);
        }
        double r = y > 27.3 ? 0.0 : expMinusSquare(y) * erfcxTail(y);
        return x < 0 ? 2.0 - r : r;
    }

    /** log(erfc(x)), finite for every finite x (no underflow for large x). */
    public static double logErfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x > THRESHOLD) {
            return Math.log(erfcxTail(x)) - x * x;
        }
        return Math.log(erfc(x));
    }

    /** Standard normal CDF Φ(z). */
    public static double normalCdf(double z) {
        return 0.5 * erfc(-z / SQRT2);
    }

    /** log Φ(z), accurate in the far lower tail. */
    public static double logNormalCdf(double z) {
        if (z == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        return LOG_HALF + logErfc(-z / SQRT2);
    }

    /**
     * The standard normal quantile Φ⁻¹(p) for p in (0, 1), by Newton's method on log Φ (so that it is accurate
     * for p as small as 1e-300).
     */
    public static double normalQuantile(double p) {
        if (!(p > 0.0 && p < 1.0)) {
            throw new IllegalArgumentException("p must be in (0, 1), got " + p);
        }
        if (p > 0.5) {
            return -normalQuantile(1.0 - p);
        }
        double logP = Math.log(p);
        // Start from the tail asymptote and walk with Newton steps on f(z) = log Φ(z) - log p, which is concave.
        double z = p > 0.3 ? 0.0 : -Math.sqrt(-2.0 * logP);
        for (int it = 0; it < 100; it++) {
            double f = logNormalCdf(z) - logP;
            double logPdf = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
            double slope = Math.exp(logPdf - logNormalCdf(z));
            double step = f / slope;
            z -= step;
            if (Math.abs(step) <= 1e-15 * Math.max(1.0, Math.abs(z))) {
                break;
            }
        }
        return z;
    }
}
