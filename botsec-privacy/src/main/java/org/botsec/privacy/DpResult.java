package org.botsec.privacy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.botsec.privacy.accountant.PrivacySpent;

/**
 * What a DP-SGD run spent and how it was configured; {@link #provenance()} is the map for
 * {@code Provenance.withPrivacy(...)}.
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
 * @param targetEpsilon             the budget, or NaN when none was set
 * @param stoppedByBudget           true when training stopped early so as not to exceed the budget
 * @param insecureSeed              the seed when noise and sampling were replayable (INSECURE), else empty
 */
public record DpResult(PrivacySpent spent, double sampleRate, long stepsPlanned, long stepsTaken,
                       double l2NormClip, double noiseMultiplier, double accountingNoiseMultiplier,
                       OptionalInt numMicrobatches, Sampling sampling, DpOptimizer optimizer, double targetEpsilon,
                       boolean stoppedByBudget, OptionalLong insecureSeed) {

    /** True when the reported ε is backed by the accountant's assumptions (Poisson sampling). */
    public boolean accountedSamplingMatches() {
        return sampling == Sampling.POISSON;
    }

    /**
     * JSON-friendly privacy provenance (snake_case keys): epsilon, delta, accountant, sample_rate, steps, C, σ,
     * sampling and whether it matches the accountant, noise source, budget, and the statement that preprocessing
     * fitted on the private data is not covered (callers that used a public or DP preprocessing overwrite
     * {@code preprocessing}).
     */
    public Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mechanism", "dp-sgd");
        m.put("epsilon", Double.isFinite(spent.epsilon()) ? spent.epsilon() : "infinity");
        m.put("delta", spent.delta());
        m.put("accountant", spent.accountant().label());
        spent.optimalOrder().ifPresent(o -> m.put("rdp_optimal_order", o));
        m.put("privacy_unit", "example");
        m.put("neighbouring_relation", "add_or_remove_one");
        m.put("sample_rate", sampleRate);
        m.put("steps", stepsTaken);
        m.put("l2_norm_clip", l2NormClip);
        m.put("noise_multiplier", noiseMultiplier);
        m.put("accounting_noise_multiplier", accountingNoiseMultiplier);
        m.put("num_microbatches", numMicrobatches.isPresent() ? (Object) numMicrobatches.getAsInt() : "per_example");
        m.put("sampling", sampling.name().toLowerCase(java.util.Locale.ROOT));
        m.put("sampling_matches_accountant", accountedSamplingMatches());
        m.put("optimizer", optimizer.name().toLowerCase(java.util.Locale.ROOT));
        if (!Double.isNaN(targetEpsilon)) {
            m.put("target_epsilon", targetEpsilon);
            m.put("stopped_by_budget", stoppedByBudget);
        }
        m.put("noise_source", insecureSeed.isPresent() ? "insecure_seeded" : "secure_random");
        m.put("noise_generator", insecureSeed.isPresent() ? "java.util.SplittableRandom"
                : DpSgd.secureGeneratorDescription());
        m.put("noise_sampler", "ziggurat-256, 53-bit");
        insecureSeed.ifPresent(s -> m.put("insecure_seed", s));
        m.put("preprocessing", PreprocessingPrivacy.FITTED_ON_PRIVATE_DATA.label());
        m.put("preprocessing_note", PreprocessingPrivacy.FITTED_ON_PRIVATE_DATA.note());
        return m;
    }
}
