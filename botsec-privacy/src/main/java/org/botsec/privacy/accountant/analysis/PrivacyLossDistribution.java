package org.botsec.privacy.accountant.analysis;

import org.botsec.privacy.internal.SpecialFunctions;

/**
 * A privacy loss distribution under the add-or-remove-one relation: one PLD for "remove" (the larger data set
 * on top) and one for "add", since subsampling makes them differ; ε(δ) is the larger of the two. Immutable and
 * thread-safe.
 *
 * <p>{@link #poissonSubsampledGaussian} builds the PLD of one step of DP-SGD — the Gaussian mechanism with
 * sensitivity 1 and noise standard deviation σ, applied to a Poisson sample of rate q — exactly as
 * {@code dp_accounting}'s {@code from_gaussian_mechanism(σ, sampling_prob=q, use_connect_dots=True,
 * pessimistic_estimate=True)}: the true hockey-stick divergence is evaluated on the grid of multiples of the
 * discretization (1e-4 by default) between the losses at the noise's e⁻⁵⁰ tails, and turned into a discrete
 * PLD with the pessimistic connect-the-dots construction. The result therefore upper-bounds the true ε.
 */
public final class PrivacyLossDistribution {
    /** dp_accounting's default discretization of loss values. */
    public static final double DEFAULT_DISCRETIZATION = 1e-4;
    /** log of the noise mass that may be cut off at each tail (dp_accounting's default). */
    private static final double LOG_MASS_TRUNCATION_BOUND = -50;
    /** Largest grid of one step's PLD (memory bound: the FFT of the composition is a few times larger). */
    static final long MAX_GRID_POINTS = 2_000_000;

    private final PrivacyLossPmf remove;
    private final PrivacyLossPmf add;

    private PrivacyLossDistribution(PrivacyLossPmf remove, PrivacyLossPmf add) {
        this.remove = remove;
        this.add = add;
    }

    /** No privacy loss at all (the neutral element of composition). */
    public static PrivacyLossDistribution identity(double discretization) {
        PrivacyLossPmf id = PrivacyLossPmf.identity(discretization);
        return new PrivacyLossDistribution(id, id);
    }

    /**
     * PLD of one step of the Poisson-subsampled Gaussian mechanism.
     *
     * @param noiseMultiplier σ &gt; 0 (noise standard deviation divided by L2 sensitivity)
     * @param sampleRate      q in (0, 1]
     * @param discretization  grid spacing of loss values, e.g. 1e-4
     */
    public static PrivacyLossDistribution poissonSubsampledGaussian(double noiseMultiplier, double sampleRate,
                                                                   double discretization) {
        if (!(noiseMultiplier > 0 && Double.isFinite(noiseMultiplier))) {
            throw new IllegalArgumentException("noiseMultiplier must be > 0 and finite, got " + noiseMultiplier);
        }
        if (!(sampleRate > 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sampleRate must be in (0, 1], got " + sampleRate);
        }
        if (!(discretization > 0 && Double.isFinite(discretization))) {
            throw new IllegalArgumentException("discretization must be > 0 and finite, got " + discretization);
        }
        PrivacyLossPmf remove = new SubsampledGaussianLoss(noiseMultiplier, sampleRate, false).connectTheDots(discretization);
        PrivacyLossPmf add = sampleRate == 1.0 ? remove
                : new SubsampledGaussianLoss(noiseMultiplier, sampleRate, true).connectTheDots(discretization);
        return new PrivacyLossDistribution(remove, add);
    }

    public PrivacyLossDistribution selfCompose(long times) {
        PrivacyLossPmf r = remove.selfCompose(times);
        return new PrivacyLossDistribution(r, add == remove ? r : add.selfCompose(times));
    }

    public PrivacyLossDistribution compose(PrivacyLossDistribution other) {
        return new PrivacyLossDistribution(remove.compose(other.remove), add.compose(other.add));
    }

    /** The smallest ε such that both directions are (ε, δ)-DP; +∞ if none. */
    public double epsilon(double delta) {
        return Math.max(remove.epsilonForDelta(delta), add == remove ? 0 : add.epsilonForDelta(delta));
    }

    /** The δ at the given ε (the larger of both directions). */
    public double delta(double epsilon) {
        return Math.max(remove.deltaForEpsilon(epsilon), add.deltaForEpsilon(epsilon));
    }

    /** The PMF for the "remove" direction. */
    public PrivacyLossPmf removePmf() {
        return remove;
    }

    /** The PMF for the "add" direction. */
    public PrivacyLossPmf addPmf() {
        return add;
    }

    /**
     * Privacy loss of the subsampled Gaussian with sensitivity 1 in one direction. Notation of dp_accounting's
     * AdditiveNoisePrivacyLoss: μ = N(0, σ²); REMOVE: μ_upper = (1-q)μ + qμ(· + 1), μ_lower = μ;
     * ADD: μ_upper = μ, μ_lower = (1-q)μ + qμ(· - 1). The loss log(μ_upper/μ_lower)(x) decreases in x.
     */
    static final class SubsampledGaussianLoss {
        private final double sigma;
        private final double q;
        private final boolean addDirection;
        private final double log1mQ;
        private final double logQ;

        SubsampledGaussianLoss(double sigma, double q, boolean addDirection) {
            this.sigma = sigma;
            this.q = q;
            this.addDirection = addDirection;
            this.log1mQ = Math.log1p(-q);
            this.logQ = Math.log(q);
        }

        /** log(a·exp(b) + c) for a &gt; 0, with c of either sign (a·e^b + c must be positive). */
        private static double logAExpBPlusC(double a, double b, double c) {
            if (b == 0) {
                return Math.log(a + c);
            }
            double d = b + Math.log(a);
            if (c == 0) {
                return d;
            } else if (c < 0) {
                double lc = Math.log(-c);
                if (lc >= d) {
                    throw new IllegalArgumentException("a exp(b) + c must be positive");
                }
                return d + Math.log1p(-Math.exp(lc - d));
            } else {
                return RdpAnalysis.logAdd(d, Math.log(c));
            }
        }

        /** Loss for REMOVE: log(1 - q + q·exp((-1/2 - x)/σ²)). */
        private double lossRemove(double x) {
            double lossNoSampling = (-0.5 - x) / (sigma * sigma);
            return q == 1.0 ? lossNoSampling : logAExpBPlusC(q, lossNoSampling, 1 - q);
        }

        double privacyLoss(double x) {
            return addDirection ? -lossRemove(-x) : lossRemove(x);
        }

        /** The largest x whose loss is at least {@code loss}. */
        double inverseLoss(double loss) {
            double sigmaSq = sigma * sigma;
            if (!addDirection) {
                if (q == 1.0) {
                    return -0.5 - loss * sigmaSq;
                }
                if (isClose(loss, Math.log(1 - q))) {
                    return Double.POSITIVE_INFINITY;
                }
                double lossNoSampling = logAExpBPlusC(1 / q, loss, 1 - 1 / q);
                return -0.5 - lossNoSampling * sigmaSq;
            }
            if (q == 1.0) {
                return 1 + (-0.5 - loss * sigmaSq);
            }
            if (isClose(loss, -Math.log(1 - q))) {
                return Double.NEGATIVE_INFINITY;
            }
            double lossNoSampling = -logAExpBPlusC(1 / q, -loss, 1 - 1 / q);
            return 1 + (-0.5 - lossNoSampling * sigmaSq);
        }

        private static boolean isClose(double a, double b) {
            return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
        }

        private double upperCdf(double x) {
            if (addDirection) {
                return SpecialFunctions.normalCdf(x / sigma);
            }
            return q == 1.0 ? SpecialFunctions.normalCdf((x + 1) / sigma)
                    : (1 - q) * SpecialFunctions.normalCdf(x / sigma) + q * SpecialFunctions.normalCdf((x + 1) / sigma);
        }

        private double lowerLogCdf(double x) {
            if (!addDirection) {
                return SpecialFunctions.logNormalCdf(x / sigma);
            }
            if (q == 1.0) {
                return SpecialFunctions.logNormalCdf((x - 1) / sigma);
            }
            double a = log1mQ + SpecialFunctions.logNormalCdf(x / sigma);
            double b = logQ + SpecialFunctions.logNormalCdf((x - 1) / sigma);
            return RdpAnalysis.logAdd(a, b);
        }

        /** The ε-hockey-stick divergence δ(ε) of the (continuous) mechanism. */
        double deltaForEpsilon(double epsilon) {
            double delta;
            if (q == 1.0 || (addDirection ? epsilon < -log1mQ : epsilon > log1mQ)) {
                double x = inverseLoss(epsilon);
                delta = upperCdf(x) - Math.exp(epsilon + lowerLogCdf(x));
            } else {
                delta = addDirection ? 0.0 : -Math.expm1(epsilon);
            }
            return Math.min(1.0, Math.max(0.0, delta));
        }

        PrivacyLossPmf connectTheDots(double discretization) {
            double lowerX = sigma * SpecialFunctions.normalQuantile(0.5 * Math.exp(LOG_MASS_TRUNCATION_BOUND));
            double upperX = -lowerX;
            if (addDirection) {
                upperX += 1;
            } else {
                lowerX -= 1;
            }
            double epsilonUpper = privacyLoss(lowerX);
            double epsilonLower = privacyLoss(upperX);
            long lo = (long) Math.floor(epsilonLower / discretization);
            long hi = (long) Math.ceil(epsilonUpper / discretization);
            if (hi - lo + 1 > MAX_GRID_POINTS) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "noise multiplier %s is too small for PLD accounting (a grid of %d loss values is needed, "
                        + "at most %d are allowed); use the RDP accountant", sigma, hi - lo + 1, MAX_GRID_POINTS));
            }
            int n = (int) (hi - lo + 1);
            double[] deltas = new double[n];
            for (int i = 0; i < n; i++) {
                deltas[i] = deltaForEpsilon((lo + i) * discretization);
            }
            return PrivacyLossPmf.connectTheDots(discretization, lo, hi, deltas);
        }
    }
}
