package org.botsec.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.botsec.guard.Action;

/**
 * A streamed answer ({@code text/event-stream} of {@code chat.completion.chunk} events), buffered: every event
 * is parsed, the deltas of each choice are joined field by field (content, refusal, each tool call's name and
 * arguments, any other text field), the joined message is scanned by {@link OutputScanner}, and the client gets
 * a new stream built from the scanned message only: per choice one chunk with the whole (possibly redacted)
 * delta and one finish chunk, then the upstream's token counts if it sent any, then {@code [DONE]}. Nothing the
 * upstream sent is passed through as bytes. An event that is not a JSON object, or that reports an error, fails
 * the whole answer with a 502 (fail closed): nothing of it is relayed.
 *
 * <p>Joining before scanning catches a value split across events ({@code "dave@exa"}, {@code "mple.com"}).
 * The price is that the first token arrives with the last.
 */
final class EventStreamRelay {
    /** Choices beyond this index are refused: an upstream answers a handful, never thousands. */
    private static final int MAX_CHOICE_INDEX = 127;
    private final OutputScanner output;

    EventStreamRelay(OutputScanner output) {
        this.output = output;
    }

    /** The joined deltas of one choice. */
    private static final class Joined {
        String role;
        final Map<String, StringBuilder> texts = new LinkedHashMap<>();
        final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
        ToolCall functionCall;
        String finishReason;
    }

    private static final class ToolCall {
        String id;
        String type;
        StringBuilder name;
        StringBuilder arguments;

        void add(JsonNode call) {
            if (id == null) {
                id = OpenAiJson.token(call.get("id")).orElse(null);
            }
            if (type == null) {
                type = OpenAiJson.token(call.get("type")).orElse(null);
            }
            JsonNode fn = call.has("function") ? call.get("function") : call;
            if (fn.path("name").isTextual()) {
                name = (name == null ? new StringBuilder() : name).append(fn.get("name").asText());
            }
            if (fn.path("arguments").isTextual()) {
                arguments = (arguments == null ? new StringBuilder() : arguments).append(fn.get("arguments").asText());
            }
        }

        ObjectNode function() {
            ObjectNode f = OpenAiJson.MAPPER.createObjectNode();
            if (name != null) {
                f.put("name", name.toString());
            }
            if (arguments != null) {
                f.put("arguments", arguments.toString());
            }
            return f;
        }
    }

    Answer relay(byte[] upBody, String requestModel) {
        List<String> payloads = dataPayloads(new String(upBody, StandardCharsets.UTF_8));
        Map<Integer, Joined> choices = new TreeMap<>();
        String id = null;
        Long created = null;
        String model = null;
        ObjectNode usage = null;
        for (String data : payloads) {
            if (data.equals("[DONE]")) {
                break;
            }
            JsonNode ev;
            try {
                ev = OpenAiJson.MAPPER.readTree(data);
            } catch (IOException e) {
                return Answer.error(502, "upstream_error", "upstream stream event is not JSON");
            }
            if (ev == null || !ev.isObject()) {
                return Answer.error(502, "upstream_error", "upstream stream event is not a JSON object");
            }
            if (ev.has("error")) {
                return Answer.error(502, "upstream_error", "upstream stream reported an error");
            }
            id = id != null ? id : OpenAiJson.token(ev.get("id")).orElse(null);
            created = created != null ? created : ev.path("created").canConvertToLong() ? Long.valueOf(ev.get("created").asLong()) : null;
            model = model != null ? model : OpenAiJson.token(ev.get("model")).orElse(null);
            Optional<ObjectNode> u = OpenAiJson.numbersOnly(ev.get("usage"));
            if (u.isPresent()) {
                usage = u.get();
            }
            int position = 0;
            for (JsonNode ch : ev.path("choices")) {
                int idx = ch.path("index").canConvertToInt() ? ch.get("index").asInt() : position;
                if (idx < 0 || idx > MAX_CHOICE_INDEX) {
                    return Answer.error(502, "upstream_error", "upstream stream has a choice index out of range");
                }
                join(choices.computeIfAbsent(idx, k -> new Joined()), ch);
                position++;
            }
        }
        id = id != null ? id : "botsec-stream-" + Long.toHexString(System.nanoTime());
        long createdAt = created != null ? created : System.currentTimeMillis() / 1000;
        model = model != null ? model : requestModel;
        Action worst = Action.ALLOW;
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Integer, Joined> e : choices.entrySet()) {
            OutputScanner.Scanned s = output.scan(message(e.getValue()));
            worst = s.action().compareTo(worst) > 0 ? s.action() : worst;
            String finish = s.action() == Action.BLOCK ? "content_filter"
                    : e.getValue().finishReason != null ? e.getValue().finishReason : "stop";
            event(out, OpenAiJson.chunk(id, createdAt, model, e.getKey(), s.message(), null));
            event(out, OpenAiJson.chunk(id, createdAt, model, e.getKey(), null, finish));
        }
        if (usage != null) {
            ObjectNode u = OpenAiJson.MAPPER.createObjectNode();
            u.put("id", id);
            u.put("object", "chat.completion.chunk");
            u.put("created", createdAt);
            u.put("model", model);
            u.putArray("choices");
            u.set("usage", usage);
            event(out, u);
        }
        out.append("data: [DONE]\n\n");
        return new Answer(200, "text/event-stream", out.toString().getBytes(StandardCharsets.UTF_8),
                Map.of("X-Botsec-Verdict", worst.name().toLowerCase(Locale.ROOT), "Cache-Control", "no-cache"));
    }

    private static void event(StringBuilder out, JsonNode node) {
        out.append("data: ").append(OpenAiJson.write(node)).append("\n\n");
    }

    /**
     * The {@code data} of each event (server-sent events, WHATWG HTML section 9.2: lines, a blank line ends an
     * event, several {@code data:} lines join with a newline, other fields and comments are ignored).
     */
    static List<String> dataPayloads(String stream) {
        List<String> payloads = new ArrayList<>();
        StringBuilder data = null;
        for (String line : stream.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    payloads.add(data.toString());
                    data = null;
                }
                continue;
            }
            if (line.startsWith("data:")) {
                String value = line.substring(5);
                value = value.startsWith(" ") ? value.substring(1) : value;
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        if (data != null) {
            payloads.add(data.toString());
        }
        return payloads;
    }

    private static void join(Joined j, JsonNode choice) {
        OpenAiJson.token(choice.get("finish_reason")).ifPresent(f -> j.finishReason = f);
        JsonNode delta = choice.path("delta");
        for (Iterator<Map.Entry<String, JsonNode>> it = delta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "role" -> {
                    if (j.role == null) {
                        j.role = OpenAiJson.token(v).orElse(null);
                    }
                }
                case "tool_calls" -> {
                    int position = 0;
                    for (JsonNode call : v) {
                        if (call.isObject()) {
                            int idx = call.path("index").canConvertToInt() ? call.get("index").asInt() : position;
                            j.toolCalls.computeIfAbsent(idx, k -> new ToolCall()).add(call);
                        }
                        position++;
                    }
                }
                case "function_call" -> {
                    if (v.isObject()) {
                        j.functionCall = j.functionCall == null ? new ToolCall() : j.functionCall;
                        j.functionCall.add(v);
                    }
                }
                default -> {
                    if (v.isTextual()) {
                        j.texts.computeIfAbsent(e.getKey(), k -> new StringBuilder()).append(v.asText());
                    }
                    // Non-text delta fields are not joined, so they are not relayed either.
                }
            }
        }
    }

    /** The joined choice as a message for {@link OutputScanner} (tool calls keep their stream index). */
    private static ObjectNode message(Joined j) {
        ObjectNode m = OpenAiJson.MAPPER.createObjectNode();
        m.put("role", j.role != null ? j.role : "assistant");
        j.texts.forEach((k, v) -> m.put(k, v.toString()));
        if (!j.toolCalls.isEmpty()) {
            ArrayNode calls = m.putArray("tool_calls");
            j.toolCalls.forEach((idx, c) -> {
                ObjectNode o = calls.addObject();
                o.put("index", idx);
                if (c.id != null) {
                    o.put("id", c.id);
                }
                if (c.type != null) {
                    o.put("type", c.type);
                }
                o.set("function", c.function());
            });
        }
        if (j.functionCall != null) {
            m.set("function_call", j.functionCall.function());
        }
        return m;
    }
}
