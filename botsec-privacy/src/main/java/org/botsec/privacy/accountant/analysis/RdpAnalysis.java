package org.botsec.privacy.accountant.analysis;

import java.util.Arrays;
import org.botsec.privacy.internal.SpecialFunctions;

/**
 * Rényi differential privacy (RDP) of the Poisson-subsampled Gaussian mechanism, and the conversion from RDP
 * to (ε, δ)-DP.
 *
 * <p>RDP at order α of one step of the sampled Gaussian mechanism with sampling rate q and noise multiplier σ
 * (noise standard deviation / L2 sensitivity) under the add/remove-one relation is log(A_α)/(α-1), computed as in
 * Mironov, Talwar and Zhang, "Rényi Differential Privacy of the Sampled Gaussian Mechanism" (2019,
 * arXiv:1908.10530): at integer α the binomial expansion of Section 3.2, at fractional α the two series of
 * Section 3.3 with erfc terms. Every sum is carried out in log space (log-sum-exp) so that terms such as
 * exp(i²/(2σ²)) never overflow. As in {@code dp_accounting} 0.6.0, the fractional series adds the absolute
 * values of its terms (|binom(α, i)|): an upper bound on A_α, up to 0.5% above Opacus's signed sum. RDP
 * composes by addition over steps.
 *
 * <p>RDP is converted to (ε, δ) with the bound of Balle et al. 2020 ("Hypothesis testing interpretations and
 * Rényi DP", Prop. 12) / Canonne, Kamath, Steinke 2020 (Eq. 20): ε = RDP(α) + log((α-1)/α) - (log δ + log α)/(α-1),
 * minimised over the orders; orders ≤ 1.01 are not used (numerically unstable, never optimal).
 */
public final class RdpAnalysis {
    private static final double[] DEFAULT_ORDERS = buildDefaultOrders();

    private static final int MAX_FRACTIONAL_TERMS = 1000;
    private static final double LOG_HALF = Math.log(0.5);
    private static final double SQRT2 = Math.sqrt(2.0);

    private RdpAnalysis() {
    }

    private static double[] buildDefaultOrders() {
        double[] orders = new double[99 + 53 + 4];
        int k = 0;
        for (int x = 1; x < 100; x++) {
            orders[k++] = 1 + x / 10.0;
        }
        for (int a = 11; a < 64; a++) {
            orders[k++] = a;
        }
        for (int a : new int[] {128, 256, 512, 1024}) {
            orders[k++] = a;
        }
        return orders;
    }

    /**
     * The default orders of {@code dp_accounting}'s RdpAccountant: 1.1, 1.2, ..., 10.9, then 11, ..., 63, then
     * 128, 256, 512, 1024 (a fresh copy).
     */
    public static double[] defaultOrders() {
        return DEFAULT_ORDERS.clone();
    }

    /**
     * RDP of ONE step of the Poisson-subsampled Gaussian mechanism at each order.
     *
     * @param sampleRate      q in [0, 1]
     * @param noiseMultiplier σ ≥ 0 (0 means no privacy: infinite RDP)
     * @param orders          orders α &gt; 1
     * @return RDP per order (may contain +∞)
     */
    public static double[] rdpPoissonSubsampledGaussian(double sampleRate, double noiseMultiplier, double[] orders) {
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sampleRate must be in [0, 1], got " + sampleRate);
        }
        if (!(noiseMultiplier >= 0)) {
            throw new IllegalArgumentException("noiseMultiplier must be >= 0, got " + noiseMultiplier);
        }
        double[] rdp = new double[orders.length];
        for (int k = 0; k < orders.length; k++) {
            rdp[k] = rdpOneOrder(sampleRate, noiseMultiplier, orders[k]);
        }
        return rdp;
    }

    private static double rdpOneOrder(double q, double sigma, double alpha) {
        if (!(alpha > 1)) {
            throw new IllegalArgumentException("RDP order must be > 1, got " + alpha);
        }
        if (q == 0) {
            return 0;
        }
        if (Double.isInfinite(alpha) || sigma == 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (q == 1.0) {
            return alpha / (2 * sigma * sigma);
        }
        double logA = alpha == Math.rint(alpha) && alpha < Integer.MAX_VALUE
                ? logAInteger(q, sigma, (int) alpha)
                : logAFractional(q, sigma, alpha);
        return logA / (alpha - 1);
    }

    /** log(a + b) from log a and log b. */
    static double logAdd(double logX, double logY) {
        double a = Math.min(logX, logY);
        double b = Math.max(logX, logY);
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        return Math.log1p(Math.exp(a - b)) + b;
    }

    /** log A_α for integer α: Σ_i binom(α, i) q^i (1-q)^(α-i) exp((i² - i)/(2σ²)) (MTZ 2019, Sec. 3.2). */
    static double logAInteger(double q, double sigma, int alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigmaSq = 2 * sigma * sigma;
        double logA = Double.NEGATIVE_INFINITY;
        double logBinom = 0.0; // log binom(alpha, 0)
        for (int i = 0; i <= alpha; i++) {
            if (i > 0) {
                logBinom += Math.log(alpha - i + 1) - Math.log(i);
            }
            double s = logBinom + i * logQ + (alpha - i) * log1mQ + ((double) i * i - i) / twoSigmaSq;
            logA = logAdd(logA, s);
        }
        return logA;
    }

    /**
     * log A_α for fractional α: the two series over (-∞, z0] and [z0, ∞) of MTZ 2019 Sec. 3.3, with
     * z0 = σ² log(1/q - 1) + 1/2, summing |binom(α, i)| terms (dp_accounting's convention). Stops when both
     * series decrease and their terms are below e⁻³⁰ of the total; +∞ if that has not happened after 1000 terms
     * (the order is then effectively excluded).
     */
    static double logAFractional(double q, double sigma, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigmaSq = 2 * sigma * sigma;
        double sqrt2Sigma = SQRT2 * sigma;
        double lastS0 = Double.NEGATIVE_INFINITY;
        double lastS1 = Double.NEGATIVE_INFINITY;
        double logAbsBinom = 0.0; // log |binom(alpha, 0)|
        for (int i = 0; i < MAX_FRACTIONAL_TERMS; i++) {
            if (i > 0) {
                logAbsBinom += Math.log(Math.abs(alpha - i + 1)) - Math.log(i);
            }
            double j = alpha - i;
            double logT0 = logAbsBinom + i * logQ + j * log1mQ;
            double logT1 = logAbsBinom + j * logQ + i * log1mQ;
            double logE0 = LOG_HALF + SpecialFunctions.logErfc((i - z0) / sqrt2Sigma);
            double logE1 = LOG_HALF + SpecialFunctions.logErfc((z0 - j) / sqrt2Sigma);
            double logS0 = logT0 + ((double) i * i - i) / twoSigmaSq + logE0;
            double logS1 = logT1 + (j * j - j) / twoSigmaSq + logE1;
            logA0 = logAdd(logA0, logS0);
            logA1 = logAdd(logA1, logS1);
            double total = logAdd(logA0, logA1);
            if (logS0 < lastS0 && logS1 < lastS1 && Math.max(logS0, logS1) < total - 30) {
                return total;
            }
            lastS0 = logS0;
            lastS1 = logS1;
        }
        return Double.POSITIVE_INFINITY;
    }

    /**
     * The smallest ε (and the order attaining it) such that a mechanism with the given RDP curve is (ε, δ)-DP.
     *
     * <p>Fails closed: ε = 0 is returned only when a bound proves it (the KL bound δ ≥ √(1 - e^(-RDP)), or the
     * conversion itself giving a value ≤ 0), never as a fallback. A negative or NaN RDP value (which no sound
     * analysis produces), an order below 1, or a grid with no order above 1.01 (where the conversion is not used)
     * throws with the parameters in the message.
     *
     * @param orders orders α ≥ 1
     * @param rdp    RDP at each order (already composed over steps)
     * @param delta  δ in (0, 1)
     * @throws IllegalArgumentException when the inputs cannot give a sound bound
     */
    public static EpsilonAtOrder epsilon(double[] orders, double[] rdp, double delta) {
        if (orders.length != rdp.length || orders.length == 0) {
            throw new IllegalArgumentException("orders (" + orders.length + ") and rdp (" + rdp.length
                    + ") must have the same, non-zero length");
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        boolean usableOrder = false;
        for (int k = 0; k < orders.length; k++) {
            if (!(orders[k] >= 1)) {
                throw new IllegalArgumentException("RDP order must be at least 1, got " + orders[k]);
            }
            if (!(rdp[k] >= 0)) {
                // RDP is a Rényi divergence, never negative: such a value is a bug upstream, not "no privacy loss"
                throw new IllegalArgumentException("RDP at order " + orders[k] + " is " + rdp[k]
                        + " (must be >= 0); no sound epsilon at delta " + delta);
            }
            usableOrder |= orders[k] > 1.01;
        }
        if (!usableOrder) {
            throw new IllegalArgumentException("no RDP order above 1.01 in " + Arrays.toString(orders)
                    + ": the conversion to (epsilon, delta) cannot give a bound at delta " + delta);
        }
        int best = -1;
        double bestEps = Double.POSITIVE_INFINITY;
        for (int k = 0; k < orders.length; k++) {
            double a = orders[k];
            double r = rdp[k];
            double eps;
            if (delta * delta + Math.expm1(-r) > 0) {
                eps = 0.0; // KL bound: delta >= sqrt(1 - exp(-KL)) already holds at epsilon = 0
            } else if (a > 1.01) {
                eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
            } else {
                eps = Double.POSITIVE_INFINITY;
            }
            if (Double.isNaN(eps)) {
                throw new IllegalArgumentException("the RDP conversion gave NaN at order " + a + " (RDP " + r
                        + ", delta " + delta + ")");
            }
            if (best < 0 || eps < bestEps) {
                best = k;
                bestEps = eps;
            }
        }
        // (ε, δ)-DP with ε < 0 implies (0, δ)-DP: clamping a proven bound is still a proven bound
        return new EpsilonAtOrder(Math.max(0.0, bestEps), orders[best]);
    }

    /**
     * ε after {@code steps} identical steps, from the one-step RDP curve (RDP composes additively).
     */
    public static EpsilonAtOrder epsilon(double[] orders, double[] rdpOneStep, long steps, double delta) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        double[] total = Arrays.copyOf(rdpOneStep, rdpOneStep.length);
        for (int k = 0; k < total.length; k++) {
            total[k] *= steps;
        }
        return epsilon(orders, total, delta);
    }

    /**
     * An ε and the RDP order that attains it.
     *
     * @param epsilon the ε of (ε, δ)-DP
     * @param order   the optimal order α
     */
    public record EpsilonAtOrder(double epsilon, double order) {
    }
}
