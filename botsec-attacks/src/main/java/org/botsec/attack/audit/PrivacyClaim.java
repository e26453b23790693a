package org.botsec.attack.audit;

import org.botsec.core.prov.PrivacyGuarantee;

/**
 * The (ε, δ) a model's training claims, to be set beside an empirical lower bound.
 *
 * @param epsilon claimed ε (finite, ≥ 0; +∞ for non-private training)
 * @param delta   claimed δ, in [0, 1)
 * @param source  where the claim comes from, e.g. {@code provenance}, {@code --claimed-epsilon}, {@code rdp accountant}
 */
public record PrivacyClaim(double epsilon, double delta, String source) {
    public PrivacyClaim {
        if (!(epsilon >= 0) || Double.isNaN(epsilon)) {
            throw new IllegalArgumentException("claimed epsilon must be >= 0, got " + epsilon);
        }
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("claimed delta must be in [0, 1), got " + delta);
        }
        java.util.Objects.requireNonNull(source, "source");
    }

    /** The composed total (ε, δ) of a typed guarantee. */
    public static PrivacyClaim of(PrivacyGuarantee guarantee) {
        return new PrivacyClaim(guarantee.epsilon(), guarantee.delta(), "privacy_guarantee");
    }
}
