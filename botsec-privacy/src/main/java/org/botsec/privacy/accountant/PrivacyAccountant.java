package org.botsec.privacy.accountant;

import java.util.ArrayList;
import java.util.List;
import org.botsec.core.BadInputException;

/**
 * Keeps the history of DP-SGD steps — (noise multiplier σ, sample rate q, number of steps) — and reports the
 * (ε, δ) spent, as Opacus's and dp_accounting's accountants do: a small stateful layer over the pure functions
 * of {@code org.botsec.privacy.accountant.analysis}.
 *
 * <p><b>Privacy unit and assumptions.</b> One example; neighbouring data sets differ by adding or removing one
 * example; each step samples every example independently with probability q (Poisson sampling) and adds
 * Gaussian noise of standard deviation σ·C to a sum of gradients each clipped to L2 norm C. A history produced
 * with shuffling or fixed-size batches is not covered by these numbers.
 *
 * <p><b>Thread-safety.</b> Instances are safe for use from several threads (methods are synchronized).
 */
public abstract class PrivacyAccountant {
    private final List<AccountingStep> history = new ArrayList<>();

    PrivacyAccountant() {
    }

    /** A new, empty accountant of the given type. */
    public static PrivacyAccountant create(AccountantType type) {
        return switch (type) {
            case RDP -> new RdpAccountant();
            case PLD -> new PldAccountant();
        };
    }

    /** The accounting method. */
    public abstract AccountantType type();

    /**
     * Records {@code steps} steps with noise multiplier σ and sample rate q.
     *
     * @throws BadInputException if σ &lt; 0 or not finite, q not in [0, 1], or steps &lt; 0
     */
    public final synchronized void step(double noiseMultiplier, double sampleRate, long steps) {
        validate(noiseMultiplier, sampleRate, steps);
        if (steps == 0) {
            return;
        }
        int last = history.size() - 1;
        if (last >= 0 && history.get(last).noiseMultiplier() == noiseMultiplier
                && history.get(last).sampleRate() == sampleRate) {
            AccountingStep prev = history.get(last);
            history.set(last, new AccountingStep(noiseMultiplier, sampleRate, prev.steps() + steps));
        } else {
            history.add(new AccountingStep(noiseMultiplier, sampleRate, steps));
        }
        onStep(noiseMultiplier, sampleRate, steps);
    }

    static void validate(double noiseMultiplier, double sampleRate, long steps) {
        if (!(noiseMultiplier >= 0 && Double.isFinite(noiseMultiplier))) {
            throw BadInputException.of("noiseMultiplier must be >= 0 and finite, got %s", noiseMultiplier);
        }
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw BadInputException.of("sampleRate must be in [0, 1], got %s", sampleRate);
        }
        if (steps < 0) {
            throw BadInputException.of("steps must be >= 0, got %s", steps);
        }
    }

    abstract void onStep(double noiseMultiplier, double sampleRate, long steps);

    /** The recorded history (consecutive identical steps merged). */
    public final synchronized List<AccountingStep> history() {
        return List.copyOf(history);
    }

    /** Total number of steps recorded. */
    public final synchronized long totalSteps() {
        long n = 0;
        for (AccountingStep s : history) {
            n += s.steps();
        }
        return n;
    }

    /** The (ε, δ) spent so far at the given δ. */
    public final synchronized PrivacySpent getPrivacySpent(double delta) {
        checkDelta(delta);
        return spent(history, delta);
    }

    /** ε spent so far at the given δ. */
    public final double getEpsilon(double delta) {
        return getPrivacySpent(delta).epsilon();
    }

    /**
     * The (ε, δ) that WOULD be spent after {@code moreSteps} further steps with (σ, q); the history is not changed.
     * DP-SGD uses this to stop before a budget is exceeded.
     */
    public final synchronized PrivacySpent privacySpentAfter(double noiseMultiplier, double sampleRate, long moreSteps,
                                                             double delta) {
        validate(noiseMultiplier, sampleRate, moreSteps);
        checkDelta(delta);
        List<AccountingStep> h = new ArrayList<>(history);
        if (moreSteps > 0) {
            h.add(new AccountingStep(noiseMultiplier, sampleRate, moreSteps));
        }
        return spent(h, delta);
    }

    abstract PrivacySpent spent(List<AccountingStep> steps, double delta);

    static void checkDelta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw BadInputException.of("delta must be in (0, 1), got %s", delta);
        }
    }

    /** ε after {@code steps} steps of (σ, q) from scratch, with the given method. */
    public static PrivacySpent epsilon(AccountantType type, double noiseMultiplier, double sampleRate, long steps,
                                       double delta) {
        validate(noiseMultiplier, sampleRate, steps);
        checkDelta(delta);
        return create(type).spent(List.of(new AccountingStep(noiseMultiplier, sampleRate, steps)), delta);
    }

    /**
     * The largest number of steps T ≤ {@code limit} of (σ, q) after which ε(δ) ≤ {@code targetEpsilon}, or 0 if even
     * one step exceeds it. ε grows with T, so this is a bisection over T (RDP brackets PLD: PLD's ε is never larger).
     */
    public static long maxSteps(AccountantType type, double noiseMultiplier, double sampleRate, double delta,
                                double targetEpsilon, long limit) {
        validate(noiseMultiplier, sampleRate, limit);
        checkDelta(delta);
        if (!(targetEpsilon > 0)) {
            throw BadInputException.of("target epsilon must be > 0, got %s", targetEpsilon);
        }
        java.util.function.LongPredicate within =
                t -> epsilon(type, noiseMultiplier, sampleRate, t, delta).epsilon() <= targetEpsilon;
        long lo = 0; // within (0 steps spend nothing)
        if (type == AccountantType.PLD) {
            lo = maxSteps(AccountantType.RDP, noiseMultiplier, sampleRate, delta, targetEpsilon, limit);
            if (lo > 0 && !within.test(lo)) {
                // the bracket assumes PLD's ε never exceeds RDP's; never return a step count that is not within budget
                throw new IllegalStateException(String.format(java.util.Locale.ROOT, "PLD epsilon after %d steps "
                        + "exceeds RDP's budget-bound %s (noise multiplier %s, sample rate %s, delta %s): cannot "
                        + "bound the steps", lo, targetEpsilon, noiseMultiplier, sampleRate, delta));
            }
        }
        if (lo >= limit) {
            return limit;
        }
        // exponential search upwards from lo (evaluations get dearer with T, so avoid testing the limit first)
        long hi;
        long probe = Math.max(1, lo * 2);
        while (true) {
            if (probe >= limit) {
                if (within.test(limit)) {
                    return limit;
                }
                hi = limit;
                break;
            }
            if (within.test(probe)) {
                lo = probe;
                probe *= 2;
            } else {
                hi = probe;
                break;
            }
        }
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (within.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
