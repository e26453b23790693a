package org.botsec.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelFiles#readTree} (Jackson's streaming parser, no {@code ObjectMapper}) against the reference it replaced:
 * {@code ObjectMapper.readTree} with {@code FAIL_ON_TRAILING_TOKENS}, strict duplicate detection and the same limits.
 * Same tree (node classes included) for valid input, same message for invalid input.
 */
class HeaderTreeTest {
    private static ObjectMapper reference() {
        ObjectMapper m = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) ModelFiles.MAX_HEADER_BYTES).maxNestingDepth(64).build());
        return m;
    }

    private static final List<String> VALID = List.of(
            "{}", "[]", "{\"a\":1}", "{\"a\":[1,2147483648,-9223372036854775808,92233720368547758070,1.5,-0.0,1e400,"
                    + "2.5E-3]}",
            "{\"__metadata__\":{\"format\":\"botsec-model/1\",\"type\":\"t\"},\"w\":{\"dtype\":\"F64\",\"shape\":[2,3],"
                    + "\"data_offsets\":[0,48]}}",
            "{\"s\":\"\\u00e9\\n\\\"x\\\"\",\"t\":true,\"f\":false,\"n\":null,\"e\":{},\"l\":[[],[{}],[null]]}",
            "  {\"a\" : { \"b\" : [ 1 , \"2\" ] } }  \n", "\"x\"", "12", "null");

    private static final List<String> INVALID = List.of(
            "{\"a\":", "{} {}", "{}[", "{} x", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{a:1}", "{\"a\":01}",
            "{\"a\":NaN}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "]", "{\"a\":\"\u0001\"}",
            "{\"x\":" + "[".repeat(70) + "]".repeat(70) + "}");

    @Test
    void validInputGivesTheReferenceTree() throws Exception {
        ObjectMapper ref = reference();
        for (String s : VALID) {
            JsonNode expected = ref.readTree(s);
            JsonNode actual = ModelFiles.readTree(s);
            assertEquals(expected, actual, s);
            assertEquals(expected.toString(), actual.toString(), s);
            assertSameNodeClasses(expected, actual, s);
        }
    }

    @Test
    void invalidInputGivesTheReferenceMessage() {
        ObjectMapper ref = reference();
        for (String s : INVALID) {
            JsonProcessingException expected = assertThrows(JsonProcessingException.class, () -> ref.readTree(s), s);
            JsonProcessingException actual = assertThrows(JsonProcessingException.class, () -> ModelFiles.readTree(s), s);
            assertEquals(expected.getOriginalMessage(), actual.getOriginalMessage(), s);
        }
    }

    private static void assertSameNodeClasses(JsonNode expected, JsonNode actual, String where) {
        assertEquals(expected.getClass(), actual.getClass(), where);
        if (expected.isContainerNode()) {
            var e = expected.elements();
            var a = actual.elements();
            while (e.hasNext()) {
                assertSameNodeClasses(e.next(), a.next(), where);
            }
        }
    }
}
