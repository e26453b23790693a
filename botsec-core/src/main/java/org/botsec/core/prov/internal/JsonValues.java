package org.botsec.core.prov.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain Java values of JSON trees, read without an {@link ObjectMapper}: setting one up costs more than reading a
 * model file (docs/benchmarks.md, "CLI start-up"), and reading provenance needs none. The mapper that writes
 * provenance is made on first use.
 */
final class JsonValues {
    private JsonValues() {
    }

    /** The mapper for writing ({@code valueToTree}); set up on first use only. */
    static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /**
     * {@code o} as {@code new ObjectMapper().convertValue(o, LinkedHashMap.class)} gives it: objects as
     * {@link LinkedHashMap} (field order kept), arrays as {@link ArrayList}, numbers as the node holds them
     * ({@code Integer}, {@code Long}, {@code BigInteger}, {@code Double}, ...), text, booleans and {@code null}.
     */
    static Map<String, Object> toMap(JsonNode o) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), toJava(e.getValue()));
        }
        return m;
    }

    private static Object toJava(JsonNode n) {
        switch (n.getNodeType()) {
            case OBJECT:
                return toMap(n);
            case ARRAY: {
                List<Object> l = new ArrayList<>(n.size());
                for (JsonNode v : n) {
                    l.add(toJava(v));
                }
                return l;
            }
            case STRING:
                return n.textValue();
            case NUMBER:
                return n.numberValue();
            case BOOLEAN:
                return n.booleanValue();
            case NULL:
            case MISSING:
                return null;
            default:
                // binary and POJO nodes never come out of a parsed file
                return mapper().convertValue(n, Object.class);
        }
    }
}
