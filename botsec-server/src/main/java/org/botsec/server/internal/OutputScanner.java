package org.botsec.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;

/**
 * Scans every text field of one answer message (a non-streaming {@code message}, or the assembled deltas of
 * one streamed choice) and builds the message the client gets <em>only</em> from what was scanned.
 *
 * <p>Scanned as output, each on its own: {@code content} (a string, or the {@code text} of each text part),
 * {@code refusal}, every tool call's {@code function.name} and {@code function.arguments}, the legacy
 * {@code function_call}'s {@code name} and {@code arguments}, and any other string field (e.g. a provider's
 * {@code reasoning_content}). Identifier-like fields ({@code role}, a tool call's {@code id}, {@code type},
 * {@code index}) are relayed only when they look like identifiers. Everything else (non-text content parts,
 * unknown objects such as {@code audio}) is not relayed, since it cannot be scanned. One {@code block} in any
 * field blocks the whole message: it becomes the refusal, with no tool calls. A redaction that would turn
 * valid JSON tool arguments into invalid JSON blocks too (fail closed).
 */
final class OutputScanner {
    /** The message to relay and the strictest verdict among its fields. */
    record Scanned(ObjectNode message, Action action) {
    }

    private final GuardScans scans;

    OutputScanner(GuardScans scans) {
        this.scans = scans;
    }

    /** The refusal message a blocked answer is replaced with. */
    static ObjectNode refusalMessage() {
        ObjectNode m = OpenAiJson.MAPPER.createObjectNode();
        m.put("role", "assistant");
        m.put("content", OpenAiJson.REFUSAL);
        return m;
    }

    Scanned scan(JsonNode message) {
        Worst worst = new Worst();
        ObjectNode out = OpenAiJson.MAPPER.createObjectNode();
        out.put("role", OpenAiJson.token(message.get("role")).orElse("assistant"));
        for (Iterator<Map.Entry<String, JsonNode>> it = message.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode value = e.getValue();
            switch (name) {
                case "role" -> {
                }
                case "content" -> {
                    if (value.isTextual()) {
                        out.put("content", text(value.asText(), worst));
                    } else if (value.isArray()) {
                        ArrayNode parts = out.putArray("content");
                        for (JsonNode part : value) {
                            if (part.isObject() && "text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                                parts.addObject().put("type", "text").put("text", text(part.get("text").asText(), worst));
                            }
                        }
                    } else if (value.isNull()) {
                        out.putNull("content");
                    }
                }
                case "tool_calls" -> {
                    if (value.isArray()) {
                        ArrayNode calls = out.putArray("tool_calls");
                        for (JsonNode call : value) {
                            if (call.isObject()) {
                                calls.add(toolCall(call, worst));
                            }
                        }
                    }
                }
                case "function_call" -> {
                    if (value.isObject()) {
                        out.set("function_call", function(value, worst));
                    }
                }
                default -> {
                    if (value.isTextual()) {
                        out.put(name, text(value.asText(), worst));
                    } else if (value.isNull()) {
                        out.putNull(name);
                    }
                    // Anything else (objects, arrays, numbers of unknown meaning) cannot be scanned: dropped.
                }
            }
        }
        if (worst.action == Action.BLOCK) {
            return new Scanned(refusalMessage(), Action.BLOCK);
        }
        return new Scanned(out, worst.action);
    }

    private ObjectNode toolCall(JsonNode call, Worst worst) {
        ObjectNode c = OpenAiJson.MAPPER.createObjectNode();
        if (call.path("index").canConvertToInt()) {
            c.put("index", call.get("index").asInt());
        }
        OpenAiJson.token(call.get("id")).ifPresent(id -> c.put("id", id));
        OpenAiJson.token(call.get("type")).ifPresent(t -> c.put("type", t));
        if (call.path("function").isObject()) {
            c.set("function", function(call.get("function"), worst));
        }
        return c;
    }

    private ObjectNode function(JsonNode fn, Worst worst) {
        ObjectNode f = OpenAiJson.MAPPER.createObjectNode();
        if (fn.path("name").isTextual()) {
            f.put("name", text(fn.get("name").asText(), worst));
        }
        if (fn.path("arguments").isTextual()) {
            String args = fn.get("arguments").asText();
            String scanned = text(args, worst);
            if (!scanned.equals(args) && isJson(args) && !isJson(scanned)) {
                worst.block();
            }
            f.put("arguments", scanned);
        }
        return f;
    }

    /** Scans one text; the text to relay (redacted when so decided). A block is noted in {@code worst}. */
    private String text(String text, Worst worst) {
        Verdict v = scans.scan(text, Direction.OUTPUT, "proxy_response");
        worst.note(v.action());
        return v.action() == Action.REDACT ? v.text() : text;
    }

    private static boolean isJson(String s) {
        try {
            OpenAiJson.MAPPER.readTree(s);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static final class Worst {
        Action action = Action.ALLOW;

        void note(Action a) {
            if (a.compareTo(action) > 0) {
                action = a;
            }
        }

        void block() {
            action = Action.BLOCK;
        }
    }
}
