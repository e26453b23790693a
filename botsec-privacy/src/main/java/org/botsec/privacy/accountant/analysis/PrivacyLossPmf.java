package org.botsec.privacy.accountant.analysis;

import org.botsec.privacy.internal.Fft;

/**
 * A discretised privacy loss distribution (PLD) for one adjacency direction: probability masses on the grid
 * of losses {@code (lowerIndex + k) · discretization}, plus a mass at +∞. Immutable and thread-safe.
 *
 * <p>The ε-hockey-stick divergence, i.e. the δ of (ε, δ)-DP, is
 * δ(ε) = p(∞) + Σ_k p_k (1 - exp(ε - loss_k))₊; composition of mechanisms is convolution of their PLDs
 * (Koskela et al. 2020; Meiser and Mohammadi 2018), computed here with an FFT. T-fold self-composition raises
 * the transform to the power T in one step, on a window whose size is bounded with a Chernoff bound so that at
 * most {@code tailMassTruncation} of the mass falls outside — the procedure of {@code dp_accounting}'s
 * {@code DensePLDPmf.self_compose}; truncated right tail mass is counted at +∞ (pessimistic).
 */
public final class PrivacyLossPmf {
    /** Default truncation of tail mass in compositions, as in dp_accounting. */
    public static final double DEFAULT_TAIL_MASS_TRUNCATION = 1e-15;
    /** Largest FFT used in a composition (2²³ points: 128 MB for the complex arrays). */
    public static final int MAX_FFT_LENGTH = 1 << 23;

    private final double discretization;
    private final long lowerIndex;
    private final double[] probs;
    private final double infinityMass;

    PrivacyLossPmf(double discretization, long lowerIndex, double[] probs, double infinityMass) {
        this.discretization = discretization;
        this.lowerIndex = lowerIndex;
        this.probs = probs;
        this.infinityMass = infinityMass;
    }

    /** The identity PLD (no privacy loss): all mass at loss 0. */
    public static PrivacyLossPmf identity(double discretization) {
        return new PrivacyLossPmf(discretization, 0, new double[] {1.0}, 0.0);
    }

    /**
     * The pessimistic connect-the-dots PLD on the contiguous grid lowerIndex..upperIndex (times discretization)
     * from the hockey-stick divergences δ_i of the true mechanism at those grid points: the discrete PLD whose
     * δ(ε) interpolates the true one linearly in exp(ε) between grid points, hence upper-bounds it
     * (Doroshenko, Ghazi, Kamath, Kumar, Manurangsi, "Connect the Dots", PETS 2022, Algorithm 1, fixed gap).
     */
    static PrivacyLossPmf connectTheDots(double discretization, long lowerIndex, long upperIndex, double[] deltas) {
        int n = Math.toIntExact(upperIndex - lowerIndex + 1);
        if (deltas.length != n) {
            throw new IllegalArgumentException("need " + n + " deltas, got " + deltas.length);
        }
        if (n == 1) {
            return new PrivacyLossPmf(discretization, lowerIndex, new double[] {1 - deltas[0]}, deltas[0]);
        }
        double[] d = deltas.clone();
        for (int i = 1; i < n; i++) {
            if (d[i] - d[i - 1] > 1e-12) {
                throw new IllegalStateException("hockey-stick divergences must not increase: " + d[i - 1]
                        + " then " + d[i] + " at grid index " + (lowerIndex + i));
            }
            d[i] = Math.min(d[i], d[i - 1]); // remove rounding noise
        }
        double em1 = Math.expm1(discretization);
        double e = Math.exp(discretization);
        double[] p = new double[n];
        p[0] = 1 - d[0] + (d[1] - d[0]) / em1;
        for (int i = 1; i < n - 1; i++) {
            p[i] = ((d[i + 1] - d[i]) - (d[i] - d[i - 1]) * e) / em1;
        }
        p[n - 1] = (d[n - 1] - d[n - 2]) / Math.expm1(-discretization);
        for (int i = 0; i < n; i++) {
            p[i] = Math.max(0.0, p[i]);
        }
        return new PrivacyLossPmf(discretization, lowerIndex, p, d[n - 1]);
    }

    public double discretization() {
        return discretization;
    }

    public double infinityMass() {
        return infinityMass;
    }

    /** Number of grid points. */
    public int size() {
        return probs.length;
    }

    /** The PLD of this mechanism composed with itself {@code times} times. */
    public PrivacyLossPmf selfCompose(long times) {
        return selfCompose(times, DEFAULT_TAIL_MASS_TRUNCATION);
    }

    /**
     * The PLD of this mechanism composed with itself {@code times} times, by one FFT, an element-wise power and
     * one inverse FFT on a window that holds all but {@code tailMassTruncation} of the mass.
     */
    public PrivacyLossPmf selfCompose(long times, double tailMassTruncation) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be >= 1, got " + times);
        }
        if (times == 1) {
            return this;
        }
        int len = probs.length;
        long[] bounds = selfConvolveBounds(times, tailMassTruncation);
        long lower = bounds[0];
        long outputLen = bounds[1] - lower + 1;
        long needed = Math.max(outputLen, len);
        if (needed > MAX_FFT_LENGTH) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "composing this PLD %d times needs an FFT of %d points, more than the %d allowed; "
                    + "use the RDP accountant", times, needed, MAX_FFT_LENGTH));
        }
        int fftLen = Fft.nextPowerOfTwo(needed);
        double[] re = new double[fftLen];
        double[] im = new double[fftLen];
        System.arraycopy(probs, 0, re, 0, len);
        Fft.transform(re, im, false);
        for (int k = 0; k < fftLen; k++) {
            double r2 = re[k] * re[k] + im[k] * im[k]; // |z| <= 1: no overflow, so no need for hypot
            if (r2 == 0) {
                re[k] = 0;
                im[k] = 0;
                continue;
            }
            double mag = Math.exp(0.5 * times * Math.log(r2));
            if (mag == 0) {
                re[k] = 0;
                im[k] = 0;
                continue;
            }
            double theta = Math.atan2(im[k], re[k]);
            double angle = times * theta;
            re[k] = mag * Math.cos(angle);
            im[k] = mag * Math.sin(angle);
        }
        Fft.transform(re, im, true);
        double[] out = new double[(int) outputLen];
        int shift = (int) Math.floorMod(lower, (long) fftLen);
        for (int j = 0; j < outputLen; j++) {
            out[j] = re[(shift + j) % fftLen];
        }
        double inf = tailMassTruncation - Math.expm1(times * Math.log1p(-infinityMass));
        return new PrivacyLossPmf(discretization, lowerIndex * times + lower, out, inf);
    }

    /**
     * Index bounds [lower, upper] (relative to the composed grid's start) outside which the T-fold convolution
     * has at most tailMassTruncation mass, from Chernoff bounds at orders ±1..20 / size (dp_accounting's choice).
     */
    private long[] selfConvolveBounds(long times, double tailMassTruncation) {
        int len = probs.length;
        long upper = (long) (len - 1) * times;
        long lower = 0;
        if (tailMassTruncation == 0) {
            return new long[] {lower, upper};
        }
        double logTail = Math.log(2 / tailMassTruncation);
        for (int k = -20; k <= 20; k++) {
            if (k == 0) {
                continue;
            }
            double order = (double) k / len;
            double logMgf = logMgf(order);
            double bound = (times * logMgf + logTail) / order;
            if (!Double.isFinite(bound)) {
                continue;
            }
            if (order > 0) {
                upper = Math.min(upper, (long) Math.ceil(bound));
            } else {
                lower = Math.max(lower, (long) Math.floor(bound));
            }
        }
        return new long[] {lower, upper};
    }

    /** log Σ_i p_i exp(i·t), stably. */
    private double logMgf(double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < probs.length; i++) {
            max = Math.max(max, i * t);
        }
        double s = 0;
        for (int i = 0; i < probs.length; i++) {
            s += probs[i] * Math.exp(i * t - max);
        }
        return Math.log(s) + max;
    }

    /** The PLD of running this mechanism and then {@code other} (same discretization). */
    public PrivacyLossPmf compose(PrivacyLossPmf other) {
        return compose(other, DEFAULT_TAIL_MASS_TRUNCATION);
    }

    /** Composition by linear convolution (FFT), then truncation of at most tailMassTruncation of the tails. */
    public PrivacyLossPmf compose(PrivacyLossPmf other, double tailMassTruncation) {
        if (other.discretization != discretization) {
            throw new IllegalArgumentException("cannot compose PLDs with discretization " + discretization
                    + " and " + other.discretization);
        }
        int n = probs.length + other.probs.length - 1;
        if (n > MAX_FFT_LENGTH) {
            throw new IllegalArgumentException("composing these PLDs needs " + n + " points, more than the "
                    + MAX_FFT_LENGTH + " allowed; use the RDP accountant");
        }
        double[] conv;
        if ((long) probs.length * other.probs.length <= 1_000_000L) {
            conv = new double[n];
            for (int i = 0; i < probs.length; i++) {
                for (int j = 0; j < other.probs.length; j++) {
                    conv[i + j] += probs[i] * other.probs[j];
                }
            }
        } else {
            int fftLen = Fft.nextPowerOfTwo(n);
            double[] ar = new double[fftLen];
            double[] ai = new double[fftLen];
            double[] br = new double[fftLen];
            double[] bi = new double[fftLen];
            System.arraycopy(probs, 0, ar, 0, probs.length);
            System.arraycopy(other.probs, 0, br, 0, other.probs.length);
            Fft.transform(ar, ai, false);
            Fft.transform(br, bi, false);
            for (int k = 0; k < fftLen; k++) {
                double r = ar[k] * br[k] - ai[k] * bi[k];
                double i = ar[k] * bi[k] + ai[k] * br[k];
                ar[k] = r;
                ai[k] = i;
            }
            Fft.transform(ar, ai, true);
            conv = java.util.Arrays.copyOf(ar, n);
        }
        double inf = infinityMass + other.infinityMass - infinityMass * other.infinityMass;
        // truncate tails: largest prefix and suffix with mass <= tail/2 each
        int left = 0;
        if (tailMassTruncation > 0) {
            double s = 0;
            while (left < n && (s += conv[left]) <= tailMassTruncation / 2) {
                left++;
            }
            int right = n;
            s = 0;
            while (right > 0 && (s += conv[right - 1]) <= tailMassTruncation / 2) {
                right--;
            }
            right = Math.max(right, left + 1);
            double leftMass = 0;
            for (int i = 0; i < left; i++) {
                leftMass += conv[i];
            }
            double rightMass = 0;
            for (int i = right; i < n; i++) {
                rightMass += conv[i];
            }
            double[] kept = java.util.Arrays.copyOfRange(conv, left, right);
            kept[0] += leftMass;
            conv = kept;
            inf += rightMass;
        }
        return new PrivacyLossPmf(discretization, lowerIndex + other.lowerIndex + left, conv, inf);
    }

    /** δ(ε) = p(∞) + Σ_k p_k (1 - exp(ε - loss_k)) over losses &gt; ε. */
    public double deltaForEpsilon(double epsilon) {
        double delta = infinityMass;
        for (int k = probs.length - 1; k >= 0; k--) {
            double loss = (lowerIndex + k) * discretization;
            if (loss <= epsilon) {
                break;
            }
            delta += -Math.expm1(epsilon - loss) * probs[k];
        }
        return delta;
    }

    /**
     * The smallest ε ≥ 0 with δ(ε) ≤ delta, or +∞ when even the mass at infinity exceeds delta. Walks the
     * losses downwards keeping Σ p_k and Σ p_k e^(-loss_k) over losses above the current one, so that δ(ε) is
     * solved for in closed form on each grid interval.
     */
    public double epsilonForDelta(double delta) {
        if (infinityMass > delta) {
            return Double.POSITIVE_INFINITY;
        }
        double massUpper = infinityMass;
        double massLower = 0;
        for (int k = probs.length - 1; k >= 0; k--) {
            double loss = (lowerIndex + k) * discretization;
            if (massUpper > delta && massLower > 0 && Math.log((massUpper - delta) / massLower) >= loss) {
                break;
            }
            massUpper += probs[k];
            massLower += Math.exp(-loss) * probs[k];
            if (massUpper >= delta && massLower == 0) {
                return Math.max(0, loss);
            }
        }
        if (massUpper <= massLower + delta) {
            return 0;
        }
        return Math.log((massUpper - delta) / massLower);
    }
}
