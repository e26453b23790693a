package org.botsec.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/** The gateway's one JSON mapper (nesting bounded, trailing tokens refused) and OpenAI's response shapes. */
final class OpenAiJson {
    /** What a blocked answer or request is replaced with. */
    static final String REFUSAL = "I can't help with that request.";
    /**
     * Identifier-like metadata (ids, model names, finish reasons, roles): relayed only when it looks like an
     * identifier, so that no free text reaches the client through a field that is not scanned.
     */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}");
    private static final Pattern USAGE_KEY = Pattern.compile("[a-z0-9_]{1,64}");
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build()).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private OpenAiJson() {
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static byte[] writeBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** The value of a textual field when it is identifier-like; empty otherwise. */
    static Optional<String> token(JsonNode node) {
        if (node == null || !node.isTextual() || !TOKEN.matcher(node.asText()).matches()) {
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    static String error(int status, String type, String message) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode e = o.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("code", status);
        return write(o);
    }

    /** A {@code chat.completion.chunk} with one choice whose delta is {@code delta} (may be empty). */
    static ObjectNode chunk(String id, long created, String model, int index, ObjectNode delta, String finishReason) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", id);
        o.put("object", "chat.completion.chunk");
        o.put("created", created);
        o.put("model", model);
        ObjectNode ch = o.putArray("choices").addObject();
        ch.put("index", index);
        ch.set("delta", delta == null ? MAPPER.createObjectNode() : delta);
        if (finishReason == null) {
            ch.putNull("finish_reason");
        } else {
            ch.put("finish_reason", finishReason);
        }
        return o;
    }

    /** Copies {@code usage}-like objects keeping only numbers (and objects of numbers): token counts, no text. */
    static Optional<ObjectNode> numbersOnly(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        ObjectNode out = MAPPER.createObjectNode();
        node.fields().forEachRemaining(e -> {
            if (!USAGE_KEY.matcher(e.getKey()).matches()) {
                return;
            }
            if (e.getValue().isNumber()) {
                out.set(e.getKey(), e.getValue());
            } else if (e.getValue().isObject()) {
                numbersOnly(e.getValue()).ifPresent(n -> out.set(e.getKey(), n));
            }
        });
        return Optional.of(out);
    }
}
