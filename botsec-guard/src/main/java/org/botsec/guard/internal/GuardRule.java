package org.botsec.guard.internal;

import static org.botsec.core.finding.FindingKind.PII;
import static org.botsec.core.finding.FindingKind.POLICY_VIOLATION;
import static org.botsec.core.finding.FindingKind.PROMPT_INJECTION;
import static org.botsec.core.finding.FindingKind.SECRET;

import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardFindings;

/**
 * Every check the built-in guard scanners run, with its stable rule ID, kind, severity, title, entity type
 * (the upper-case type that redaction writes as {@code <TYPE>} and that older JSON called {@code type}) and
 * MITRE ATLAS technique. {@code docs/guard.md} lists the same table.
 *
 * <p>Severity is the harm if the finding is true, never how sure the check is (that is the {@link Score}):
 * <b>critical</b> — a credential that grants access on its own (known token formats, private keys);
 * <b>high</b> — data that enables fraud or identity theft (card, IBAN, SSN), a prompt-injection or
 * jailbreak attempt, a leak of the system prompt or a canary, a generic high-entropy secret;
 * <b>medium</b> — a direct contact identifier (e-mail, phone, street address, date of birth), hidden Unicode
 * without a decodable attack, a match of a user's policy pattern; <b>low</b> — an indirect identifier (IP
 * address, a name or place found by context) and an over-long message.
 *
 * <p>ATLAS: injection rules cite {@link AtlasTechnique#LLM_PROMPT_INJECTION} (role hijacks
 * {@link AtlasTechnique#LLM_JAILBREAK}); leaks cite {@link AtlasTechnique#LLM_DATA_LEAKAGE}; personal data and
 * secrets cite it only in model output, since a user pasting their own data is not an adversary's technique.
 */
public enum GuardRule {
    EMAIL("guard.pii.email", PII, Severity.MEDIUM, "E-mail address", "EMAIL"),
    PHONE("guard.pii.phone", PII, Severity.MEDIUM, "Phone number", "PHONE"),
    CREDIT_CARD("guard.pii.credit_card", PII, Severity.HIGH, "Payment card number (Luhn-valid)", "CREDIT_CARD"),
    IBAN("guard.pii.iban", PII, Severity.HIGH, "IBAN (mod-97-valid)", "IBAN"),
    US_SSN("guard.pii.us_ssn", PII, Severity.HIGH, "US Social Security number", "US_SSN"),
    IP_ADDRESS("guard.pii.ip_address", PII, Severity.LOW, "IP address", "IP_ADDRESS"),
    DATE_OF_BIRTH("guard.pii.date_of_birth", PII, Severity.MEDIUM, "Date of birth", "DATE_OF_BIRTH"),
    PERSON("guard.pii.person", PII, Severity.LOW, "Person name", "PERSON"),
    STREET_ADDRESS("guard.pii.street_address", PII, Severity.MEDIUM, "Street address", "STREET_ADDRESS"),
    LOCATION("guard.pii.location", PII, Severity.LOW, "Place name", "LOCATION"),
    ORGANIZATION("guard.pii.organization", PII, Severity.LOW, "Organisation name", "ORGANIZATION"),

    INSTRUCTION_OVERRIDE("guard.injection.instruction_override", "Prompt injection: instruction override", AtlasTechnique.LLM_PROMPT_INJECTION),
    ROLE_HIJACK("guard.injection.role_hijack", "Jailbreak: role hijack", AtlasTechnique.LLM_JAILBREAK),
    SYSTEM_PROMPT_EXTRACTION("guard.injection.system_prompt_extraction", "Prompt injection: system-prompt extraction",
            AtlasTechnique.LLM_PROMPT_INJECTION),
    DELIMITER_INJECTION("guard.injection.delimiter_injection", "Prompt injection: chat-template delimiter",
            AtlasTechnique.LLM_PROMPT_INJECTION),
    UNICODE_OBFUSCATION("guard.injection.unicode_obfuscation", "Prompt injection hidden in compatibility characters (NFKC)",
            AtlasTechnique.LLM_PROMPT_INJECTION),
    HIDDEN_TAG_TEXT("guard.injection.hidden_tag_text", "Prompt injection written in invisible Unicode tag characters",
            AtlasTechnique.LLM_PROMPT_INJECTION),
    INVISIBLE_SPLIT("guard.injection.invisible_split", "Prompt injection split by invisible characters",
            AtlasTechnique.LLM_PROMPT_INJECTION),
    ENCODED_PAYLOAD("guard.injection.encoded_payload", "Prompt injection in an encoded payload (base64, hex, ROT13)",
            AtlasTechnique.LLM_PROMPT_INJECTION),
    INJECTION_CLASSIFIER("guard.injection.classifier", "Prompt injection (n-gram classifier)", AtlasTechnique.LLM_PROMPT_INJECTION),
    INVISIBLE_UNICODE("guard.injection.invisible_unicode", PROMPT_INJECTION, Severity.MEDIUM,
            "Invisible Unicode (tag, zero-width or bidi control characters)", "INVISIBLE_UNICODE", AtlasTechnique.LLM_PROMPT_INJECTION, false),

    AWS_ACCESS_KEY_ID("guard.secret.aws_access_key", SECRET, Severity.CRITICAL, "AWS access key ID", "AWS_ACCESS_KEY_ID"),
    GITHUB_TOKEN("guard.secret.github_token", SECRET, Severity.CRITICAL, "GitHub token", "GITHUB_TOKEN"),
    SLACK_TOKEN("guard.secret.slack_token", SECRET, Severity.CRITICAL, "Slack token or webhook", "SLACK_TOKEN"),
    STRIPE_KEY("guard.secret.stripe_key", SECRET, Severity.CRITICAL, "Stripe API key", "STRIPE_KEY"),
    GOOGLE_API_KEY("guard.secret.google_api_key", SECRET, Severity.CRITICAL, "Google API key", "GOOGLE_API_KEY"),
    JWT("guard.secret.jwt", SECRET, Severity.CRITICAL, "JSON Web Token", "JWT"),
    PRIVATE_KEY("guard.secret.private_key", SECRET, Severity.CRITICAL, "PEM private key", "PRIVATE_KEY"),
    GENERIC_SECRET("guard.secret.generic", SECRET, Severity.HIGH, "High-entropy value after key=, token=, password=", "GENERIC_SECRET"),

    SYSTEM_PROMPT_LEAK("guard.leak.system_prompt", SECRET, Severity.HIGH, "System prompt repeated in the answer", "SYSTEM_PROMPT_LEAK",
            AtlasTechnique.LLM_DATA_LEAKAGE, false),
    CANARY_LEAK("guard.leak.canary", SECRET, Severity.HIGH, "Canary string in the answer", "CANARY_LEAK",
            AtlasTechnique.LLM_DATA_LEAKAGE, false),

    INPUT_TOO_LONG("guard.size_limit", POLICY_VIOLATION, Severity.LOW, "Message longer than the policy's limit", "INPUT_TOO_LONG",
            null, false);

    private final String ruleId;
    private final FindingKind kind;
    private final Severity severity;
    private final String title;
    private final String entityType;
    private final AtlasTechnique atlas;
    private final boolean leakOnOutput;

    GuardRule(String ruleId, FindingKind kind, Severity severity, String title, String entityType) {
        this(ruleId, kind, severity, title, entityType, null, true);
    }

    GuardRule(String ruleId, String title, AtlasTechnique atlas) {
        this(ruleId, PROMPT_INJECTION, Severity.HIGH, title, "PROMPT_INJECTION", atlas, false);
    }

    GuardRule(String ruleId, FindingKind kind, Severity severity, String title, String entityType, AtlasTechnique atlas,
              boolean leakOnOutput) {
        this.ruleId = ruleId;
        this.kind = kind;
        this.severity = severity;
        this.title = title;
        this.entityType = entityType;
        this.atlas = atlas;
        this.leakOnOutput = leakOnOutput;
    }

    public String ruleId() {
        return ruleId;
    }

    public FindingKind kind() {
        return kind;
    }

    public Severity severity() {
        return severity;
    }

    public String title() {
        return title;
    }

    /** The upper-case type redaction writes as {@code <TYPE>}, e.g. {@code EMAIL}. */
    public String entityType() {
        return entityType;
    }

    /**
     * A builder for this rule's finding over {@code [start, end)}, found by scanner {@code source} in a message
     * going {@code direction}; evidence {@code entity_type} is set, callers may add more.
     */
    public Finding.Builder at(int start, int end, Score score, Direction direction, String source) {
        Finding.Builder b = Finding.builder(ruleId, kind, severity, title)
                .description(description(kind))
                .span(start, end)
                .score(score)
                .source(source)
                .evidence(GuardFindings.ENTITY_TYPE, entityType);
        if (atlas != null) {
            b.atlas(atlas);
        } else if (leakOnOutput && direction == Direction.OUTPUT) {
            b.atlas(AtlasTechnique.LLM_DATA_LEAKAGE);
        }
        return b;
    }

    /** The finding with only {@code entity_type} as evidence. */
    public Finding finding(int start, int end, Score score, Direction direction, String source) {
        return at(start, end, score, direction, source).build();
    }

    static String description(FindingKind kind) {
        return switch (kind) {
            case PII -> "Personal data in the message. Redact or block it before it reaches the model, the logs or the user.";
            case PROMPT_INJECTION -> "Text that tries to override the bot's instructions or hide instructions from a reader."
                    + " Block it on input; scan retrieved documents too.";
            case SECRET -> "A credential or confidential text in the message. Block it; rotate a credential that was exposed.";
            default -> "The message breaks a rule of the guard policy.";
        };
    }
}
