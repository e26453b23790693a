package org.botsec.core.model.internal.mlp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.prov.Provenance;

/** The snake_case JSON form of a {@link Provenance}, as stored in a model file's description. */
public final class ProvenanceJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private ProvenanceJson() {
    }

    public static ObjectNode toJson(Provenance p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("trainer", p.trainer());
        o.set("parameters", MAPPER.valueToTree(p.parameters()));
        o.put("data_sha256", p.dataSha256());
        if (p.seed() == null) {
            o.putNull("seed");
        } else {
            o.put("seed", p.seed());
        }
        o.put("botsec_version", p.botsecVersion());
        o.put("java_version", p.javaVersion());
        o.put("created_at", p.createdAt() == null ? null : p.createdAt().toString());
        o.set("privacy", MAPPER.valueToTree(p.privacy()));
        return o;
    }

    /**
     * Reads a provenance written by {@link #toJson}.
     *
     * @throws BadInputException when a field is missing or has the wrong type
     */
    public static Provenance fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw BadInputException.of("model provenance must be a JSON object, got %s", kind(o));
        }
        String trainer = text(o, "trainer");
        Map<String, Object> parameters = map(o, "parameters");
        String sha = o.hasNonNull("data_sha256") ? text(o, "data_sha256") : "";
        Long seed = null;
        JsonNode s = o.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.canConvertToLong() || !s.isIntegralNumber()) {
                throw BadInputException.of("model provenance seed must be an integer, got %s", s);
            }
            seed = s.longValue();
        }
        Instant created = null;
        if (o.hasNonNull("created_at")) {
            try {
                created = Instant.parse(text(o, "created_at"));
            } catch (DateTimeParseException e) {
                throw BadInputException.of("model provenance created_at is not an ISO-8601 instant: %s",
                        o.get("created_at").asText());
            }
        }
        String botsec = o.hasNonNull("botsec_version") ? text(o, "botsec_version") : "";
        String java = o.hasNonNull("java_version") ? text(o, "java_version") : "";
        Map<String, Object> privacy = o.hasNonNull("privacy") ? map(o, "privacy") : Map.of();
        return new Provenance(trainer, parameters, sha, seed, botsec, java, created, privacy);
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw BadInputException.of("model provenance field %s must be a string, got %s", field, kind(v));
        }
        return v.asText();
    }

    private static Map<String, Object> map(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isObject()) {
            throw BadInputException.of("model provenance field %s must be an object, got %s", field, kind(v));
        }
        return MAPPER.convertValue(v, MAP);
    }

    private static String kind(JsonNode v) {
        return v == null ? "nothing" : v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
