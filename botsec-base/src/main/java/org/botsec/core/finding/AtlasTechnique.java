package org.botsec.core.finding;

/**
 * The MITRE ATLAS techniques BotSec's checks relate to, by their published IDs and names (ATLAS 5.6.0). A
 * {@link Finding} cites one where the weakness it reports is what an adversary would use that technique for.
 */
public enum AtlasTechnique {
    EVADE_AI_MODEL("AML.T0015", "Evade AI Model"),
    MANIPULATE_AI_MODEL("AML.T0018", "Manipulate AI Model"),
    POISON_AI_MODEL("AML.T0018.000", "Poison AI Model"),
    POISON_TRAINING_DATA("AML.T0020", "Poison Training Data"),
    EXFILTRATION_VIA_INFERENCE_API("AML.T0024", "Exfiltration via AI Inference API"),
    INFER_TRAINING_DATA_MEMBERSHIP("AML.T0024.000", "Infer Training Data Membership"),
    INVERT_AI_MODEL("AML.T0024.001", "Invert AI Model"),
    EXTRACT_AI_MODEL("AML.T0024.002", "Extract AI Model"),
    CRAFT_ADVERSARIAL_DATA("AML.T0043", "Craft Adversarial Data"),
    INSERT_BACKDOOR_TRIGGER("AML.T0043.004", "Insert Backdoor Trigger"),
    LLM_PROMPT_INJECTION("AML.T0051", "LLM Prompt Injection"),
    LLM_JAILBREAK("AML.T0054", "LLM Jailbreak"),
    LLM_DATA_LEAKAGE("AML.T0057", "LLM Data Leakage");

    private final String id;
    private final String title;

    AtlasTechnique(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** The ATLAS ID, e.g. {@code AML.T0043}. */
    public String id() {
        return id;
    }

    /** The ATLAS name, e.g. {@code Craft Adversarial Data}. */
    public String title() {
        return title;
    }
}
