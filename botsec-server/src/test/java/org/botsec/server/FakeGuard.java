package org.botsec.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Guard;
import org.botsec.guard.Verdict;

/**
 * A tiny deterministic guard for gateway tests (the real scanners are tested in botsec-guard): blocks
 * "ignore previous instructions", redacts e-mail addresses to [EMAIL].
 */
final class FakeGuard implements Guard {
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final String INJECTION = "ignore previous instructions";

    @Override
    public Verdict scan(String text, Direction direction) {
        int at = text.toLowerCase(Locale.ROOT).indexOf(INJECTION);
        if (at >= 0) {
            return new Verdict(Action.BLOCK, "", List.of(finding("fake.injection", FindingKind.PROMPT_INJECTION, "PROMPT_INJECTION", at, at + INJECTION.length())),
                    List.of("prompt injection: instruction override"));
        }
        Matcher m = EMAIL.matcher(text);
        List<Finding> found = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            found.add(finding("fake.email", FindingKind.PII, "EMAIL", m.start(), m.end()));
            m.appendReplacement(out, "[EMAIL]");
        }
        m.appendTail(out);
        if (found.isEmpty()) {
            return new Verdict(Action.ALLOW, text, List.of(), List.of());
        }
        return new Verdict(Action.REDACT, out.toString(), found, List.of("personal data: EMAIL"));
    }

    private static Finding finding(String ruleId, FindingKind kind, String type, int start, int end) {
        return Finding.builder(ruleId, kind, Severity.HIGH, type).span(start, end).score(Score.ruleMatch())
                .evidence("entity_type", type).source("fake").build();
    }
}
