package org.botsec.report.stix;

import java.util.List;
import org.botsec.core.finding.FindingKind;

/**
 * The MITRE ATLAS mitigations (ATLAS 5.6.0 IDs and names) that BotSec's STIX bundles propose as
 * {@code course-of-action} objects, and which finding kinds each one addresses.
 */
public enum AtlasMitigation {
    PASSIVE_OUTPUT_OBFUSCATION("AML.M0002", "Passive AI Output Obfuscation",
            "Return labels or coarsened confidence scores instead of full probability vectors."),
    MODEL_HARDENING("AML.M0003", "Model Hardening",
            "Harden the model, e.g. by adversarial training (PGD) or training with differential privacy."),
    RESTRICT_QUERIES("AML.M0004", "Restrict Number of AI Model Queries",
            "Limit and monitor how many queries one client may send to the model."),
    SANITIZE_TRAINING_DATA("AML.M0007", "Sanitize Training Data",
            "Remove or relabel training rows that a poisoning detector flags before retraining."),
    VALIDATE_MODEL("AML.M0008", "Validate AI Model",
            "Validate the model on held-out data and review its explanations before release."),
    CODE_SIGNING("AML.M0013", "Code Signing",
            "Sign model files and verify the signature before loading them."),
    VERIFY_ARTIFACTS("AML.M0014", "Verify AI Artifacts",
            "Verify checksums and provenance of model files and training data."),
    ADVERSARIAL_INPUT_DETECTION("AML.M0015", "Adversarial Input Detection",
            "Detect and block adversarial or malicious inputs before they reach the model."),
    GENAI_GUARDRAILS("AML.M0020", "Generative AI Guardrails",
            "Scan prompts and responses for injections, personal data and secrets at runtime.");

    private final String id;
    private final String title;
    private final String action;

    AtlasMitigation(String id, String title, String action) {
        this.id = id;
        this.title = title;
        this.action = action;
    }

    /** ATLAS ID, e.g. {@code AML.M0003}. */
    public String id() {
        return id;
    }

    /** ATLAS name. */
    public String title() {
        return title;
    }

    /** What to do, in one sentence. */
    public String action() {
        return action;
    }

    /** The mitigations for a kind of finding, most direct first. */
    public static List<AtlasMitigation> forKind(FindingKind kind) {
        switch (kind) {
            case EVASION:
                return List.of(MODEL_HARDENING, ADVERSARIAL_INPUT_DETECTION);
            case DATA_POISONING:
                return List.of(SANITIZE_TRAINING_DATA);
            case BACKDOOR:
                return List.of(SANITIZE_TRAINING_DATA, VERIFY_ARTIFACTS);
            case MEMBERSHIP_INFERENCE:
            case MODEL_INVERSION:
                return List.of(MODEL_HARDENING, PASSIVE_OUTPUT_OBFUSCATION, RESTRICT_QUERIES);
            case MODEL_EXTRACTION:
                return List.of(RESTRICT_QUERIES, PASSIVE_OUTPUT_OBFUSCATION);
            case PROMPT_INJECTION:
            case PII:
            case SECRET:
            case POLICY_VIOLATION:
                return List.of(GENAI_GUARDRAILS);
            case MODEL_INTEGRITY:
                return List.of(VERIFY_ARTIFACTS, CODE_SIGNING);
            case PRIVACY:
            case EXPLANATION:
            case MODEL_QUALITY:
            default:
                return List.of(VALIDATE_MODEL);
        }
    }
}
