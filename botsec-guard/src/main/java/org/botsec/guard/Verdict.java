package org.botsec.guard;

import java.util.List;
import org.botsec.core.finding.Finding;

/**
 * The outcome of guarding one message.
 *
 * @param action   allow, redact or block
 * @param text     the text to pass on: the original for allow, the rewritten text for redact, empty for block
 * @param findings what the scanners found, in span order (spans refer to the original text); render them with
 *                 {@link GuardFindings#toJson}
 * @param reasons  human-readable reasons for a block or redaction (never contain the user's text)
 */
public record Verdict(Action action, String text, List<Finding> findings, List<String> reasons) {
    public Verdict {
        findings = List.copyOf(findings);
        reasons = List.copyOf(reasons);
    }
}
