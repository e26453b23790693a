package org.botsec.core.prov.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.prov.Provenance;

/**
 * Provenance to and from the snake_case JSON object kept in a model file's description. Written with
 * {@code "format_version": 2} and the typed guarantee under {@code "privacy"} ({@link PrivacyGuaranteeJson});
 * a description without {@code format_version} is the first form, whose {@code privacy} was a free map (ε of
 * DP-SGD under {@code epsilon}, the composed total under {@code epsilon_total}), and is converted on reading.
 */
public final class ProvenanceJson {
    /** The provenance form this code writes. */
    public static final int FORMAT_VERSION = 2;

    private ProvenanceJson() {
    }

    public static ObjectNode toJson(Provenance p) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("format_version", FORMAT_VERSION);
        o.put("trainer", p.trainer());
        o.set("parameters", JsonValues.mapper().valueToTree(p.parameters()));
        o.put("data_sha256", p.dataSha256());
        if (p.seed() != null) {
            o.put("seed", p.seed());
        } else {
            o.putNull("seed");
        }
        o.put("botsec_version", p.botsecVersion());
        o.put("java_version", p.javaVersion());
        o.put("created_at", p.createdAt() == null ? null : p.createdAt().toString());
        p.privacy().ifPresent(g -> o.set("privacy", PrivacyGuaranteeJson.toJson(g)));
        return o;
    }

    /** Reads what {@link #toJson} wrote, or the first (unversioned) form; null or JSON null gives null. */
    @SuppressWarnings("unchecked")
    public static Provenance fromJson(JsonNode o) {
        if (o == null || o.isNull()) {
            return null;
        }
        if (!o.isObject()) {
            throw BadInputException.of("model description: provenance must be an object, got %s", o.getNodeType());
        }
        int version = 1;
        if (o.has("format_version")) {
            JsonNode v = o.get("format_version");
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw BadInputException.of("model description: provenance format_version must be an integer, got %s",
                        v);
            }
            version = v.asInt();
            if (version < 2 || version > FORMAT_VERSION) {
                throw BadInputException.of("model description: provenance format_version %d is not supported "
                        + "(this BotSec reads 1 to %d; a newer BotSec wrote this file?)", version, FORMAT_VERSION);
            }
        }
        Map<String, Object> params = o.has("parameters") && o.get("parameters").isObject()
                ? JsonValues.toMap(o.get("parameters")) : Map.of();
        Optional<PrivacyGuarantee> privacy = Optional.empty();
        JsonNode p = o.get("privacy");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                throw BadInputException.of("model description: provenance privacy must be an object, got %s",
                        p.getNodeType());
            }
            if (p.size() > 0) {
                privacy = Optional.of(version == 1 ? LegacyPrivacy.fromMap(p) : PrivacyGuaranteeJson.fromJson(p));
            }
        }
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
