package org.botsec.privacy.accountant;

import java.util.List;
import java.util.OptionalDouble;
import org.botsec.core.BadInputException;
import org.botsec.privacy.accountant.analysis.PrivacyLossDistribution;

/**
 * Privacy-loss-distribution accountant (value discretization 1e-4, pessimistic connect-the-dots, FFT
 * composition), as dp_accounting's PLDAccountant. Each run of identical steps is self-composed in one FFT power;
 * runs are composed by convolution. See {@link PrivacyAccountant} for the privacy unit and assumptions.
 */
final class PldAccountant extends PrivacyAccountant {
    @Override
    public AccountantType type() {
        return AccountantType.PLD;
    }

    @Override
    void onStep(double noiseMultiplier, double sampleRate, long steps) {
        // composition is done on demand in spent()
    }

    @Override
    PrivacySpent spent(List<AccountingStep> steps, double delta) {
        PrivacyLossDistribution pld = null;
        long n = 0;
        boolean nonPrivate = false;
        for (AccountingStep s : steps) {
            n += s.steps();
            if (s.sampleRate() == 0 || s.steps() == 0) {
                continue;
            }
            if (s.noiseMultiplier() == 0) {
                nonPrivate = true;
                continue;
            }
            PrivacyLossDistribution one;
            try {
                one = PrivacyLossDistribution
                        .poissonSubsampledGaussian(s.noiseMultiplier(), s.sampleRate(),
                                PrivacyLossDistribution.DEFAULT_DISCRETIZATION)
                        .selfCompose(s.steps());
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            try {
                pld = pld == null ? one : pld.compose(one);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
        }
        // no step with q > 0 and steps > 0: nothing about any example was released, so ε = 0 is proven
        double eps = nonPrivate ? Double.POSITIVE_INFINITY : pld == null ? 0.0 : pld.epsilon(delta);
        if (Double.isNaN(eps) || eps < 0) {
            throw new IllegalStateException("the PLD accountant gave epsilon " + eps + " at delta " + delta
                    + " for " + steps + ": no sound bound");
        }
        return new PrivacySpent(eps, delta, AccountantType.PLD, n, OptionalDouble.empty());
    }
}
