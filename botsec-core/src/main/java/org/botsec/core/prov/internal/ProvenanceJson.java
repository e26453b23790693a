package org.botsec.core.prov.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.prov.Provenance;

/** Provenance to and from the snake_case JSON object kept in a model file's description. */
public final class ProvenanceJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ProvenanceJson() {
    }

    public static ObjectNode toJson(Provenance p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("trainer", p.trainer());
        o.set("parameters", MAPPER.valueToTree(p.parameters()));
        o.put("data_sha256", p.dataSha256());
        if (p.seed() != null) {
            o.put("seed", p.seed());
        } else {
            o.putNull("seed");
        }
        o.put("botsec_version", p.botsecVersion());
        o.put("java_version", p.javaVersion());
        o.put("created_at", p.createdAt() == null ? null : p.createdAt().toString());
        o.set("privacy", MAPPER.valueToTree(p.privacy()));
        return o;
    }

    /** Reads what {@link #toJson} wrote; null or JSON null gives null. */
    @SuppressWarnings("unchecked")
    public static Provenance fromJson(JsonNode o) {
        if (o == null || o.isNull()) {
            return null;
        }
        if (!o.isObject()) {
            throw BadInputException.of("model description: provenance must be an object, got %s", o.getNodeType());
        }
        Map<String, Object> params = o.has("parameters") && o.get("parameters").isObject()
                ? MAPPER.convertValue(o.get("parameters"), LinkedHashMap.class) : Map.of();
        Map<String, Object> privacy = o.has("privacy") && o.get("privacy").isObject()
                ? MAPPER.convertValue(o.get("privacy"), LinkedHashMap.class) : Map.of();
        Instant created = null;
        if (o.hasNonNull("created_at")) {
            try {
                created = Instant.parse(o.get("created_at").asText());
            } catch (DateTimeParseException e) {
                throw BadInputException.of("model description: provenance created_at is not a timestamp: %s",
                        o.get("created_at").asText());
            }
        }
        Long seed = o.hasNonNull("seed") && o.get("seed").canConvertToLong() ? o.get("seed").asLong() : null;
        return new Provenance(text(o, "trainer"), params, text(o, "data_sha256"), seed, text(o, "botsec_version"),
                text(o, "java_version"), created, privacy);
    }

    private static String text(JsonNode o, String key) {
        return o.hasNonNull(key) ? o.get(key).asText() : null;
    }
}
