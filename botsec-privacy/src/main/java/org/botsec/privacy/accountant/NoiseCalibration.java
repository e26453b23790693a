package org.botsec.privacy.accountant;

import org.botsec.core.BadInputException;

/**
 * The smallest noise multiplier σ with which {@code steps} Poisson-sampled DP-SGD steps at rate q are
 * (targetEpsilon, δ)-DP under the chosen accountant — what dp_accounting's {@code calibrate_dp_mechanism} and
 * Opacus's {@code get_noise_multiplier} compute. ε decreases in σ, so σ is found by bracketing (doubling) and
 * bisection to a relative tolerance of 1e-6 (RDP) or 1e-4 (PLD, whose evaluations are slower). The returned σ
 * always meets the target (it is the upper end of the final bracket).
 */
public final class NoiseCalibration {
    /** Largest σ tried before a target is declared unreachable. */
    static final double MAX_NOISE_MULTIPLIER = 1e6;

    private NoiseCalibration() {
    }

    /**
     * The calibrated noise multiplier and the ε it reaches.
     *
     * @param noiseMultiplier the smallest σ found that meets the target
     * @param spent           the (ε, δ) at that σ
     */
    public record Result(double noiseMultiplier, PrivacySpent spent) {
    }

    /** The smallest σ meeting the target ε. */
    public static double noiseMultiplier(double targetEpsilon, double delta, double sampleRate, long steps,
                                         AccountantType accountant) {
        return calibrate(targetEpsilon, delta, sampleRate, steps, accountant).noiseMultiplier();
    }

    /**
     * Calibrates σ.
     *
     * @throws BadInputException if an argument is out of range or the target cannot be reached with σ ≤ 1e6
     */
    public static Result calibrate(double targetEpsilon, double delta, double sampleRate, long steps,
                                   AccountantType accountant) {
        if (!(targetEpsilon > 0 && Double.isFinite(targetEpsilon))) {
            throw BadInputException.of("target epsilon must be > 0 and finite, got %s", targetEpsilon);
        }
        PrivacyAccountant.checkDelta(delta);
        if (!(sampleRate > 0 && sampleRate <= 1)) {
            throw BadInputException.of("sample rate must be in (0, 1], got %s", sampleRate);
        }
        if (steps <= 0) {
            throw BadInputException.of("steps must be > 0, got %s", steps);
        }
        double tolerance = accountant == AccountantType.RDP ? 1e-6 : 1e-4;
        double lo;
        double hi;
        if (accountant == AccountantType.PLD) {
            // PLD's ε never exceeds RDP's, so the RDP answer is an upper end; PLD evaluations at tiny σ need huge
            // grids, so the lower end is searched downwards from there.
            hi = calibrate(targetEpsilon, delta, sampleRate, steps, AccountantType.RDP).noiseMultiplier();
            lo = hi;
            do {
                lo /= 1.25;
            } while (meets(lo, targetEpsilon, delta, sampleRate, steps, accountant) && lo > 1e-3);
        } else {
            lo = 0; // σ = 0 gives ε = ∞
            hi = 1;
            while (!meets(hi, targetEpsilon, delta, sampleRate, steps, accountant)) {
                lo = hi;
                hi *= 2;
                if (hi > MAX_NOISE_MULTIPLIER) {
                    double eps = PrivacyAccountant.epsilon(accountant, MAX_NOISE_MULTIPLIER, sampleRate, steps, delta)
                            .epsilon();
                    throw BadInputException.of("target epsilon %s cannot be reached: even noise multiplier %s gives "
                            + "epsilon %s at delta %s (sample rate %s, %d steps)", targetEpsilon,
                            MAX_NOISE_MULTIPLIER, eps, delta, sampleRate, steps);
                }
            }
        }
        while (hi - lo > tolerance * hi) {
            double mid = 0.5 * (lo + hi);
            if (meets(mid, targetEpsilon, delta, sampleRate, steps, accountant)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        PrivacySpent spent = PrivacyAccountant.epsilon(accountant, hi, sampleRate, steps, delta);
        if (!(spent.epsilon() <= targetEpsilon)) {
            // the PLD bracket assumes PLD's ε never exceeds RDP's; fail closed if that (or the bisection) did not hold
            throw new IllegalStateException(String.format(java.util.Locale.ROOT, "noise calibration did not "
                    + "converge: noise multiplier %s gives epsilon %s > target %s (delta %s, sample rate %s, %d steps, "
                    + "%s accountant)", hi, spent.epsilon(), targetEpsilon, delta, sampleRate, steps,
                    accountant.label()));
        }
        return new Result(hi, spent);
    }

    private static boolean meets(double sigma, double target, double delta, double q, long steps,
                                 AccountantType type) {
        return PrivacyAccountant.epsilon(type, sigma, q, steps, delta).epsilon() <= target;
    }
}
