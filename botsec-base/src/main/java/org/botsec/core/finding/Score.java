package org.botsec.core.finding;

import java.util.Locale;
import java.util.Objects;

/**
 * How strongly a check holds its {@link Finding}, and what that number is. A guard's pattern match and a
 * classifier's calibrated probability are both numbers in [0, 1] but mean different things; the basis says which.
 *
 * @param value a number in [0, 1]
 * @param basis what the number is
 */
public record Score(double value, Basis basis) {

    /** What a score's value means. */
    public enum Basis {
        /** A deterministic rule matched; the value is 1. */
        RULE_MATCH,
        /** A rule matched and the match passed a checksum or format validation (Luhn, IBAN mod 97); the value is 1. */
        VALIDATED_RULE_MATCH,
        /** A probability calibrated on held-out data: among findings scored p, about a fraction p are true. */
        CALIBRATED_PROBABILITY,
        /** A model's score that orders findings but is not calibrated as a probability. */
        UNCALIBRATED_SCORE,
        /** A measured rate (attack success rate, AUC and the like) from the run that produced the finding. */
        MEASURED_RATE;

        /** The lower-case, snake_case name used in JSON. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Score {
        Objects.requireNonNull(basis, "basis");
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException("score must be in [0, 1], got " + value);
        }
    }

    /** A deterministic rule match (value 1). */
    public static Score ruleMatch() {
        return new Score(1.0, Basis.RULE_MATCH);
    }

    /** A rule match validated by a checksum (value 1). */
    public static Score validatedRuleMatch() {
        return new Score(1.0, Basis.VALIDATED_RULE_MATCH);
    }
}
