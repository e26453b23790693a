package org.botsec.core.prov.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.prov.PrivacyGuarantee;

/**
 * The one JSON form of a {@link PrivacyGuarantee} (model files and {@code botsec models info --json}):
 * {@code {"epsilon", "delta", "accountant", "unit", "relation", "sampling", "sample_rate", "steps",
 * "noise_multiplier", "l2_norm_clip", "covers", "not_covered", "noise", "noise_secure", "noise_detail",
 * "components": [{"name", "epsilon", "delta", "parameters"}]}}. {@code epsilon}/{@code delta} are the composed
 * total; {@code noise} is {@link PrivacyGuarantee.Noise#label()}.
 */
public final class PrivacyGuaranteeJson {
    private PrivacyGuaranteeJson() {
    }

    public static ObjectNode toJson(PrivacyGuarantee g) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("epsilon", g.epsilon());
        o.put("delta", g.delta());
        o.put("accountant", g.accountant().label());
        o.put("unit", g.unit().label());
        o.put("relation", g.relation().label());
        o.put("sampling", g.sampling().label());
        o.put("sample_rate", g.sampleRate());
        o.put("steps", g.steps());
        o.put("noise_multiplier", g.noiseMultiplier());
        o.put("l2_norm_clip", g.l2NormClip());
        o.set("covers", JsonValues.mapper().valueToTree(g.covers()));
        o.set("not_covered", JsonValues.mapper().valueToTree(g.notCovered()));
        o.put("noise", g.noise().label());
        o.put("noise_secure", g.noise().secure());
        o.put("noise_detail", g.noise().description());
        ArrayNode components = o.putArray("components");
        for (PrivacyGuarantee.Component c : g.components()) {
            ObjectNode n = components.addObject();
            n.put("name", c.name());
            n.put("epsilon", c.epsilon());
            n.put("delta", c.delta());
            n.set("parameters", JsonValues.mapper().valueToTree(c.parameters()));
        }
        return o;
    }

    /** Reads what {@link #toJson} wrote; a missing or malformed field gives a one-line {@link BadInputException}. */
    @SuppressWarnings("unchecked")
    public static PrivacyGuarantee fromJson(JsonNode o) {
        try {
            List<PrivacyGuarantee.Component> components = new ArrayList<>();
            JsonNode cs = required(o, "components");
            if (!cs.isArray()) {
                throw bad("components", cs);
            }
            for (JsonNode c : cs) {
                Map<String, Object> params = c.has("parameters") && c.get("parameters").isObject()
                        ? JsonValues.toMap(c.get("parameters")) : Map.of();
                components.add(new PrivacyGuarantee.Component(string(c, "name"), number(c, "epsilon"),
                        number(c, "delta"), params));
            }
            boolean secure = o.has("noise_secure") ? o.get("noise_secure").asBoolean()
                    : !"seeded (not private)".equals(string(o, "noise"));
            String detail = o.hasNonNull("noise_detail") ? o.get("noise_detail").asText() : string(o, "noise");
            return new PrivacyGuarantee(number(o, "epsilon"), number(o, "delta"),
                    choice(PrivacyGuarantee.Accountant.class, o, "accountant"),
                    choice(PrivacyGuarantee.Unit.class, o, "unit"),
                    choice(PrivacyGuarantee.Relation.class, o, "relation"),
                    choice(PrivacyGuarantee.Sampling.class, o, "sampling"), number(o, "sample_rate"),
                    (long) number(o, "steps"), number(o, "noise_multiplier"), number(o, "l2_norm_clip"),
                    strings(o, "covers"), strings(o, "not_covered"), new PrivacyGuarantee.Noise(secure, detail),
                    components);
        } catch (IllegalArgumentException e) {
            throw BadInputException.of("model description: privacy guarantee is invalid: %s", e.getMessage());
        }
    }

    static JsonNode required(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            throw BadInputException.of("model description: privacy guarantee has no '%s'", key);
        }
        return v;
    }

    static BadInputException bad(String key, JsonNode v) {
        String s = v.toString();
        return BadInputException.of("model description: privacy '%s' has a wrong value: %s", key,
                s.length() > 80 ? s.substring(0, 80) + "..." : s);
    }

    static double number(JsonNode o, String key) {
        JsonNode v = required(o, key);
        if (!v.isNumber()) {
            throw bad(key, v);
        }
        return v.asDouble();
    }

    static String string(JsonNode o, String key) {
        JsonNode v = required(o, key);
        if (!v.isTextual()) {
            throw bad(key, v);
        }
        return v.asText();
    }

    static List<String> strings(JsonNode o, String key) {
        JsonNode v = required(o, key);
        if (!v.isArray()) {
            throw bad(key, v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw bad(key, v);
            }
            out.add(s.asText());
        }
        return out;
    }

    static <E extends Enum<E>> E choice(Class<E> type, JsonNode o, String key) {
        String s = string(o, key);
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
                return e;
            }
        }
        throw bad(key, o.get(key));
    }
}
