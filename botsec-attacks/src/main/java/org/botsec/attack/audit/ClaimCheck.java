package org.botsec.attack.audit;

import java.util.Locale;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Severity;

/**
 * An empirical ε lower bound set beside a claimed ε. A sound (ε, δ)-DP training run cannot produce a lower bound
 * above its ε except with probability at most 1 − confidence; a bound above the claim therefore means the
 * implementation or its accounting is wrong (Jagielski et al. 2020; Nasr et al. 2021; Tramèr et al. 2022,
 * "Debugging Differential Privacy"), and is reported as a CRITICAL finding.
 *
 * @param lowerBound  the empirical ε lower bound
 * @param delta       the δ it is stated for (the claim's δ)
 * @param confidence  its confidence
 * @param claim       the claimed guarantee
 * @param method      how the bound was obtained, e.g. {@code membership.threshold} or {@code one_run}
 */
public record ClaimCheck(double lowerBound, double delta, double confidence, PrivacyClaim claim, String method) {

    public ClaimCheck {
        if (Math.abs(delta - claim.delta()) > 1e-15 * Math.max(1, claim.delta())) {
            throw new IllegalArgumentException("the bound is for delta " + delta + " but the claim is for delta "
                    + claim.delta() + "; compute the bound at the claimed delta");
        }
    }

    /** True when the bound exceeds the claim: the claimed guarantee does not hold. */
    public boolean violated() {
        return lowerBound > claim.epsilon();
    }

    /** The finding: CRITICAL when the claim is violated, INFO otherwise. */
    public Finding finding() {
        if (violated()) {
            return Finding.builder("privacy.audit.claim_violated", FindingKind.PRIVACY, Severity.CRITICAL,
                            String.format(Locale.ROOT, "Privacy claim violated: empirical ε ≥ %.3f (%.0f%% confidence) "
                                    + "but the model claims ε = %.3f", lowerBound, 100 * confidence, claim.epsilon()))
                    .description("The audit proves, at the stated confidence, that training leaked more than its "
                            + "differential-privacy guarantee allows. The DP implementation or its privacy accounting "
                            + "is wrong: do not ship this model or its claim; report it as a bug.")
                    .atlas(AtlasTechnique.INFER_TRAINING_DATA_MEMBERSHIP)
                    .evidence("empirical_epsilon_lower_bound", lowerBound)
                    .evidence("claimed_epsilon", claim.epsilon())
                    .evidence("delta", delta)
                    .evidence("confidence", confidence)
                    .evidence("claim_source", claim.source())
                    .evidence("method", method)
                    .source("privacy-audit")
                    .build();
        }
        return Finding.builder("privacy.audit.claim_consistent", FindingKind.PRIVACY, Severity.INFO,
                        String.format(Locale.ROOT, "Privacy audit consistent with the claim: empirical ε ≥ %.3f, "
                                + "claimed ε = %.3f", lowerBound, claim.epsilon()))
                .description("The audit found no evidence against the claimed guarantee. A lower bound below the "
                        + "claim does not prove the claim; it only fails to refute it.")
                .evidence("empirical_epsilon_lower_bound", lowerBound)
                .evidence("claimed_epsilon", claim.epsilon())
                .evidence("delta", delta)
                .evidence("confidence", confidence)
                .evidence("claim_source", claim.source())
                .evidence("method", method)
                .source("privacy-audit")
                .build();
    }
}
