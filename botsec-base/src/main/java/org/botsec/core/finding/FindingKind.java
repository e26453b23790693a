package org.botsec.core.finding;

import java.util.Locale;

/**
 * What sort of weakness or event a {@link Finding} reports. The kind decides how a report groups findings and
 * which SARIF rule family or STIX object type carries them; the finer distinction (which PII type, which attack
 * method) is the finding's {@link Finding#ruleId() rule ID}.
 */
public enum FindingKind {
    /** Personal data found in a message (guard). */
    PII,
    /** A prompt-injection or jailbreak attempt (guard). */
    PROMPT_INJECTION,
    /** A credential or secret in a message (guard). */
    SECRET,
    /** A word or pattern a policy forbids (guard). */
    POLICY_VIOLATION,
    /** Inputs crafted to change a model's prediction (evasion attacks). */
    EVASION,
    /** Training data manipulated to degrade a model (label flipping, poisoned rows). */
    DATA_POISONING,
    /** A trigger planted in training data or detected in a model (BadNets-style backdoors). */
    BACKDOOR,
    /** Whether a record was in the training set can be inferred from the model. */
    MEMBERSHIP_INFERENCE,
    /** Class representatives or training features can be reconstructed from the model. */
    MODEL_INVERSION,
    /** A functional copy of the model can be trained from its answers. */
    MODEL_EXTRACTION,
    /** A privacy claim (ε, δ, what the guarantee covers) checked or qualified. */
    PRIVACY,
    /** Explanations that are unstable or point to a suspicious cause. */
    EXPLANATION,
    /** Model quality (accuracy and similar) below what the reviewer requires. */
    MODEL_QUALITY,
    /** A model file altered, unsigned or from an unknown source. */
    MODEL_INTEGRITY;

    /** The lower-case, snake_case name used in JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
