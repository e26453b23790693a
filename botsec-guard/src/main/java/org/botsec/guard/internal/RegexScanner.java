package org.botsec.guard.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardFindings;
import org.botsec.guard.Scanner;

/**
 * A pattern from a policy file, e.g. an internal order number. Compiled with RE2/J, so even a pattern such
 * as {@code (a+)+$} runs in time linear in the message (RE2 has no backtracking).
 *
 * <p>Each match is a {@link FindingKind#POLICY_VIOLATION} with rule ID {@code guard.policy.<name>} (lower-case),
 * severity medium (a user's pattern gives no ground to rank it), entity type {@code <NAME>} (upper-case) and a
 * {@link Score.Basis#RULE_MATCH} score.
 *
 * <p><b>Security guarantees.</b> Thread-safe; linear time; the pattern length is bounded.
 */
public final class RegexScanner implements Scanner {
    private final String name;
    private final String type;
    private final String ruleId;
    private final Pattern pattern;

    /**
     * @param name  1–64 letters, digits, '_' or '-', starting with a letter
     * @param regex RE2 syntax
     */
    public RegexScanner(String name, String regex) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_\\-]{0,63}")) {
            throw BadInputException.of("regex scanner name must be 1-64 letters, digits, '_' or '-', starting with a letter, got %s", name);
        }
        this.name = name;
        this.type = name.toUpperCase(Locale.ROOT).replace('-', '_');
        this.ruleId = "guard.policy." + name.toLowerCase(Locale.ROOT);
        this.pattern = Re2.compileUser(name, regex);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        List<Finding> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int from = 0;
        while (from <= text.length() && m.find(from)) {
            if (m.end() > m.start()) {
                out.add(Finding.builder(ruleId, FindingKind.POLICY_VIOLATION, Severity.MEDIUM, "Match of policy pattern '" + name + "'")
                        .description("The message matches a pattern the guard policy lists.")
                        .span(m.start(), m.end()).score(Score.ruleMatch()).source(name)
                        .evidence(GuardFindings.ENTITY_TYPE, type).build());
                from = m.end();
            } else {
                from = m.end() + 1; // an empty match must not loop forever
            }
        }
        return out;
    }
}
