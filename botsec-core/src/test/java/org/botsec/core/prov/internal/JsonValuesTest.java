package org.botsec.core.prov.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonValues#toMap} against the call it replaced, {@code ObjectMapper.convertValue(node, LinkedHashMap.class)}:
 * equal maps with the same Java classes at every level (Integer vs Long vs BigInteger, ArrayList, LinkedHashMap order).
 */
class JsonValuesTest {
    @Test
    void sameValuesAndClassesAsConvertValue() throws Exception {
        ObjectMapper m = new ObjectMapper();
        String json = "{\"epochs\":60,\"big\":4294967296,\"huge\":92233720368547758070,\"lr\":0.001,\"e\":1e-5,"
                + "\"name\":\"dp-sgd\",\"on\":true,\"off\":false,\"none\":null,\"list\":[1,2.5,\"x\",[],{}],"
                + "\"nested\":{\"z\":1,\"a\":{\"b\":[null]}},\"empty\":{}}";
        JsonNode node = m.readTree(json);
        @SuppressWarnings("unchecked")
        Map<String, Object> expected = m.convertValue(node, LinkedHashMap.class);
        Map<String, Object> actual = JsonValues.toMap(node);
        assertEquals(expected, actual);
        assertSameClasses(expected, actual);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
    }

    private static void assertSameClasses(Object expected, Object actual) {
        assertEquals(expected == null ? null : expected.getClass(), actual == null ? null : actual.getClass(),
                String.valueOf(expected));
        if (expected instanceof Map<?, ?> e) {
            for (Map.Entry<?, ?> x : e.entrySet()) {
                assertSameClasses(x.getValue(), ((Map<?, ?>) actual).get(x.getKey()));
            }
        } else if (expected instanceof List<?> e) {
            for (int i = 0; i < e.size(); i++) {
                assertSameClasses(e.get(i), ((List<?>) actual).get(i));
            }
        }
        if (expected instanceof ArrayList<?>) {
            assertEquals(ArrayList.class, actual.getClass());
        }
    }
}
