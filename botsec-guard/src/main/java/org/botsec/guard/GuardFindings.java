package org.botsec.guard;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingJson;

/**
 * How guard {@link Finding}s are named and rendered: the upper-case entity type a redaction writes as
 * {@code <TYPE>}, and the JSON object that {@code botsec guard scan --json} and the gateway print for each
 * finding. That object keeps the four keys of the first guard JSON ({@code type}, {@code start}, {@code end},
 * {@code score} as a number) and adds every {@link FindingJson} field, the score's meaning as
 * {@code score_basis}:
 * <pre>{@code
 * {"type": "EMAIL", "start": 11, "end": 27, "score": 1.0, "score_basis": "rule_match",
 *  "rule_id": "guard.pii.email", "kind": "pii", "severity": "medium", "title": "...", "description": "...",
 *  "location": {"type": "text_span", "start": 11, "end": 27}, "atlas": {"id", "name"}?,
 *  "evidence": {"entity_type": "EMAIL"}, "source": "pii"}
 * }</pre>
 */
public final class GuardFindings {
    /** Evidence key of the entity type, e.g. {@code EMAIL}, {@code PROMPT_INJECTION}, {@code AWS_ACCESS_KEY_ID}. */
    public static final String ENTITY_TYPE = "entity_type";

    private GuardFindings() {
    }

    /**
     * The finding's entity type: its {@code entity_type} evidence, or for a finding from another scanner the
     * last segment of its rule ID in upper case ({@code acme.order_id} gives {@code ORDER_ID}).
     */
    public static String entityType(Finding f) {
        if (f.evidence().get(ENTITY_TYPE) instanceof String s && !s.isEmpty()) {
            return s;
        }
        String id = f.ruleId();
        return id.substring(id.lastIndexOf('.') + 1).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The JSON object of one finding (see the class comment); {@code start}/{@code end} are absent when the
     * finding has no text span, {@code score}/{@code score_basis} when it has no score.
     */
    public static Map<String, Object> toJson(Finding f) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", entityType(f));
        f.span().ifPresent(s -> {
            out.put("start", s.start());
            out.put("end", s.end());
        });
        f.score().ifPresent(s -> {
            out.put("score", s.value());
            out.put("score_basis", s.basis().label());
        });
        FindingJson.toMap(f).forEach((k, v) -> {
            if (!k.equals("score")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
