package org.botsec.core.finding;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one JSON form of a {@link Finding} (snake_case keys), shared by the CLI, the server and the report so that
 * every consumer sees the same shape:
 * {@code {"rule_id", "kind", "severity", "title", "description", "location"?, "score"?, "atlas"?, "evidence",
 * "source"}} where {@code location} is {@code {"type": "text_span", "start", "end"}},
 * {@code {"type": "data_rows", "dataset", "rows"}} or {@code {"type": "artifact", "uri"}}, {@code score} is
 * {@code {"value", "basis"}} and {@code atlas} is {@code {"id", "name"}}. Absent optional parts are left out.
 */
public final class FindingJson {
    private FindingJson() {
    }

    /** The finding as an ordered map of JSON-friendly values. */
    public static Map<String, Object> toMap(Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule_id", f.ruleId());
        m.put("kind", f.kind().label());
        m.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
        m.put("title", f.title());
        m.put("description", f.description());
        f.location().ifPresent(l -> m.put("location", location(l)));
        f.score().ifPresent(s -> {
            // ordered: Map.of iterates in an order that changes from one JVM run to the next
            Map<String, Object> score = new LinkedHashMap<>();
            score.put("value", s.value());
            score.put("basis", s.basis().label());
            m.put("score", score);
        });
        f.atlas().ifPresent(a -> {
            Map<String, Object> atlas = new LinkedHashMap<>();
            atlas.put("id", a.id());
            atlas.put("name", a.title());
            m.put("atlas", atlas);
        });
        m.put("evidence", f.evidence());
        m.put("source", f.source());
        return m;
    }

    private static Map<String, Object> location(Location l) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (l instanceof Location.TextSpan s) {
            m.put("type", "text_span");
            m.put("start", s.start());
            m.put("end", s.end());
        } else if (l instanceof Location.DataRows r) {
            m.put("type", "data_rows");
            m.put("dataset", r.dataset());
            m.put("rows", r.rows());
        } else if (l instanceof Location.Artifact a) {
            m.put("type", "artifact");
            m.put("uri", a.uri());
        }
        return m;
    }
}
