package org.botsec.flower.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * JSON in the layout of Python's {@code json.dumps} defaults ({@code ", "} and {@code ": "} separators, non-ASCII
 * escaped), which Flower uses for the bodies of RecordDict, ArrayRecord and Array objects. Writing the same bytes as
 * Flower gives the same object IDs for the same content, which keeps the store's de-duplication working across
 * languages; readers accept any valid JSON.
 */
public final class PythonJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PythonJson() {
    }

    /** Serialises a map whose values are strings, integers or lists of integers. */
    public static byte[] write(Map<String, ?> map) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new PythonSeparators());
            g.writeStartObject();
            for (Map.Entry<String, ?> e : map.entrySet()) {
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v instanceof String s) {
                    g.writeString(s);
                } else if (v instanceof Integer i) {
                    g.writeNumber(i);
                } else if (v instanceof List<?> l) {
                    g.writeStartArray();
                    for (Object o : l) {
                        g.writeNumber((Integer) o);
                    }
                    g.writeEndArray();
                } else {
                    throw new IllegalArgumentException("unsupported JSON value " + v);
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Parses a JSON document (the caller bounds its size). */
    public static JsonNode read(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    /** Python's default separators without indentation. */
    private static final class PythonSeparators implements PrettyPrinter {
        @Override
        public void writeRootValueSeparator(JsonGenerator g) {
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
        }

        @Override
        public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
            g.writeRaw('}');
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            g.writeRaw(']');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) {
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) {
        }
    }
}
