package org.botsec.privacy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.privacy.accountant.PrivacySpent;

/**
 * What a DP-SGD run spent and how it was configured. {@link PrivateTraining} turns it (with the preprocessing's
 * part) into the model's {@link PrivacyGuarantee}; {@link #component()} is DP-SGD's part of that record.
 *
 * @param spent                     (ε, δ) by the chosen accountant, for the steps actually taken
 * @param sampleRate                q = B/n
 * @param stepsPlanned              steps the configuration asked for
 * @param stepsTaken                steps actually taken (fewer when the budget stopped training)
 * @param l2NormClip                C
 * @param noiseMultiplier           σ (noise standard deviation σ·C on the clipped sum)
 * @param accountingNoiseMultiplier σ used by the accountant (σ/2 with multi-example microbatches)
 * @param numMicrobatches           M, or empty for per-example clipping
 * @param sampling                  the batch sampler
 * @param optimizer                 the update rule
 * @param targetEpsilon             DP-SGD's share of the budget, or NaN when none was set
 * @param stoppedByBudget           true when training stopped early so as not to exceed the budget
 * @param insecureSeed              the seed when noise and sampling were replayable (INSECURE), else empty
 * @param noise                     where the noise came from
 */
public record DpResult(PrivacySpent spent, double sampleRate, long stepsPlanned, long stepsTaken,
                       double l2NormClip, double noiseMultiplier, double accountingNoiseMultiplier,
                       OptionalInt numMicrobatches, Sampling sampling, DpOptimizer optimizer, double targetEpsilon,
                       boolean stoppedByBudget, OptionalLong insecureSeed, PrivacyGuarantee.Noise noise) {

    /** True when the reported ε is backed by the accountant's assumptions (Poisson sampling). */
    public boolean accountedSamplingMatches() {
        return sampling == Sampling.POISSON;
    }

    /**
     * DP-SGD as one component of a {@link PrivacyGuarantee}: its (ε, δ) and, as JSON-friendly parameters (snake
     * case), the accounting details the record's own fields do not carry.
     *
     * @throws IllegalStateException when ε is infinite (σ = 0): there is no guarantee to state
     */
    public PrivacyGuarantee.Component component() {
        if (!Double.isFinite(spent.epsilon())) {
            throw new IllegalStateException("DP-SGD with noise multiplier " + noiseMultiplier + " spent epsilon "
                    + spent.epsilon() + ": there is no privacy guarantee to state");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accountant", spent.accountant().label());
        spent.optimalOrder().ifPresent(o -> m.put("rdp_optimal_order", o));
        m.put("sample_rate", sampleRate);
        m.put("steps", stepsTaken);
        m.put("steps_planned", stepsPlanned);
        m.put("l2_norm_clip", l2NormClip);
        m.put("noise_multiplier", noiseMultiplier);
        m.put("accounting_noise_multiplier", accountingNoiseMultiplier);
        m.put("num_microbatches", numMicrobatches.isPresent() ? (Object) numMicrobatches.getAsInt() : "per_example");
        m.put("sampling", sampling.name().toLowerCase(Locale.ROOT));
        m.put("optimizer", optimizer.name().toLowerCase(Locale.ROOT));
        if (!Double.isNaN(targetEpsilon)) {
            m.put("target_epsilon", targetEpsilon);
            m.put("stopped_by_budget", stoppedByBudget);
        }
        return new PrivacyGuarantee.Component("dp-sgd", spent.epsilon(), spent.delta(), m);
    }
}
