package org.botsec.report.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.botsec.guard.Direction;

/**
 * The guard self-test's probe set ({@code guard-probes.json} beside this class): messages we wrote for a
 * customer-service bot, each with what a sound policy does with it.
 */
final class GuardProbes {
    static final String RESOURCE = "guard-probes.json";

    /** What a probe is and so what the guard must do with it. */
    enum Category {
        /** Must be blocked. */
        INJECTION,
        /** Must be blocked, or redacted so that the sensitive value does not survive. */
        PII,
        /** As PII. */
        SECRET,
        /** Must pass unchanged. */
        BENIGN
    }

    /**
     * One probe.
     *
     * @param sensitive the value that must not survive a redaction (PII and secrets)
     */
    record Probe(String id, Category category, Direction direction, String text, Optional<String> sensitive) {
        Probe {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(category, "category");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(sensitive, "sensitive");
            if ((category == Category.PII || category == Category.SECRET) != sensitive.isPresent()) {
                throw new IllegalStateException("probe " + id + ": PII and secret probes, and only they, name a "
                        + "sensitive value");
            }
        }
    }

    private GuardProbes() {
    }

    /** Every probe, in file order. */
    static List<Probe> load() {
        try (InputStream in = GuardProbes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the guard probe set " + RESOURCE + " is missing from the jar");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<Probe> out = new ArrayList<>();
            for (JsonNode p : root.get("probes")) {
                out.add(new Probe(p.get("id").asText(),
                        Category.valueOf(p.get("category").asText().toUpperCase(Locale.ROOT)),
                        Direction.valueOf(p.get("direction").asText().toUpperCase(Locale.ROOT)),
                        p.get("text").asText(),
                        Optional.ofNullable(p.get("sensitive")).map(JsonNode::asText)));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the guard probe set " + RESOURCE, e);
        }
    }
}
