package org.botsec.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;

/**
 * The OpenAI-compatible {@code /v1/chat/completions} proxy: scans the request's user and tool messages, forwards
 * it, and rebuilds the answer from scanned parts only ({@link OutputScanner}; streams through
 * {@link EventStreamRelay}).
 */
final class ChatProxy {
    private static final int MAX_UPSTREAM_BYTES = 8 << 20;
    private final GuardScans scans;
    private final OutputScanner output;
    private final Upstream upstream;
    private final EventStreamRelay relay;

    /**
     * @param upstream null when no upstream is configured (every chat request is then a 503)
     * @param holdBack characters of a streamed text field held back until more text has been scanned
     * @param context  characters already sent that each streamed window scan sees before the new text
     */
    ChatProxy(GuardScans scans, URI upstream, String upstreamApiKey, Duration upstreamTimeout, int holdBack, int context) {
        this.scans = scans;
        this.output = new OutputScanner(scans);
        this.relay = new EventStreamRelay(scans, output, holdBack, context, MAX_UPSTREAM_BYTES);
        this.upstream = upstream == null ? null : new Upstream(upstream, upstreamApiKey, upstreamTimeout);
    }

    /** The client to the upstream, for the handler to start and stop with itself; empty without an upstream. */
    java.util.Optional<Upstream> upstream() {
        return java.util.Optional.ofNullable(upstream);
    }

    Reply chat(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new HttpError(400, "invalid_request_error", "\"messages\" must be a non-empty array");
        }
        boolean stream = body.path("stream").asBoolean(false);
        String model = OpenAiJson.token(body.get("model")).orElse("unknown");
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw new HttpError(400, "invalid_request_error", "each message must be an object with a string \"role\"");
            }
            Verdict blocked = scanRequestMessage((ObjectNode) m);
            if (blocked != null) {
                return refusal(model, stream, blocked);
            }
        }
        if (upstream == null) {
            throw new HttpError(503, "server_error", "no upstream configured (start the gateway with --upstream URL)");
        }
        Upstream.Answer up = upstream.post(OpenAiJson.writeBytes(body));
        if (up.status() / 100 != 2) {
            Upstream.discard(up);
            return Answer.error(502, "upstream_error", "upstream answered HTTP " + up.status());
        }
        String upType = up.contentType();
        if (stream && upType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            // Scanned and relayed as it arrives (EventStreamRelay); nothing is buffered whole.
            return new Reply.Streamed(Map.of("Cache-Control", "no-cache"), sink -> {
                try (InputStream in = up.body()) {
                    relay.relay(in, model, sink);
                }
            });
        }
        return buffered(readUpstream(up), model);
    }

    /**
     * User and tool messages come from outside (tool results carry indirect injections); system and assistant
     * messages are the operator's and the bot's own. Redactions are written into the message; a block is
     * returned.
     */
    private Verdict scanRequestMessage(ObjectNode m) {
        String role = m.get("role").asText();
        if (!role.equals("user") && !role.equals("tool")) {
            return null;
        }
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            Verdict v = scans.scan(content.asText(), Direction.INPUT, "proxy_request");
            if (v.action() == Action.BLOCK) {
                return v;
            }
            if (v.action() == Action.REDACT) {
                m.put("content", v.text());
            }
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                if (part.isObject() && "text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                    Verdict v = scans.scan(part.get("text").asText(), Direction.INPUT, "proxy_request");
                    if (v.action() == Action.BLOCK) {
                        return v;
                    }
                    if (v.action() == Action.REDACT) {
                        ((ObjectNode) part).put("text", v.text());
                    }
                }
            }
        } else if (content != null && !content.isNull()) {
            throw new HttpError(400, "invalid_request_error", "message content must be a string or an array of parts");
        }
        return null;
    }

    private static byte[] readUpstream(Upstream.Answer up) {
        try (InputStream in = up.body()) {
            byte[] b = in.readNBytes(MAX_UPSTREAM_BYTES + 1);
            if (b.length > MAX_UPSTREAM_BYTES) {
                throw new HttpError(502, "upstream_error", "upstream answer larger than " + MAX_UPSTREAM_BYTES + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw new HttpError(502, "upstream_error", "cannot read the upstream answer: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Non-streaming answer: a new {@code chat.completion} built from the upstream's identifiers, its token
     * counts and each choice's scanned message. Per-token {@code logprobs} are not relayed (they spell out the
     * text token by token, outside what was scanned).
     */
    private Answer buffered(byte[] upBody, String model) {
        JsonNode root;
        try {
            root = OpenAiJson.MAPPER.readTree(upBody);
        } catch (IOException e) {
            return Answer.error(502, "upstream_error", "upstream answer is not JSON");
        }
        if (root == null || !root.isObject()) {
            return Answer.error(502, "upstream_error", "upstream answer is not a JSON object");
        }
        ObjectNode out = OpenAiJson.MAPPER.createObjectNode();
        out.put("id", OpenAiJson.token(root.get("id")).orElse("botsec-" + Long.toHexString(System.nanoTime())));
        out.put("object", "chat.completion");
        out.put("created", root.path("created").canConvertToLong() ? root.get("created").asLong() : System.currentTimeMillis() / 1000);
        out.put("model", OpenAiJson.token(root.get("model")).orElse(model));
        OpenAiJson.token(root.get("system_fingerprint")).ifPresent(f -> out.put("system_fingerprint", f));
        ArrayNode choices = out.putArray("choices");
        Action worst = Action.ALLOW;
        int position = 0;
        for (JsonNode choice : root.path("choices")) {
            JsonNode msg = choice.path("message");
            OutputScanner.Scanned s = output.scan(msg.isObject() ? msg : OpenAiJson.MAPPER.createObjectNode());
            worst = s.action().compareTo(worst) > 0 ? s.action() : worst;
            ObjectNode c = choices.addObject();
            c.put("index", choice.path("index").canConvertToInt() ? choice.get("index").asInt() : position);
            c.set("message", s.message());
            if (s.action() == Action.BLOCK) {
                c.put("finish_reason", "content_filter");
            } else {
                OpenAiJson.token(choice.get("finish_reason")).ifPresentOrElse(f -> c.put("finish_reason", f), () -> c.putNull("finish_reason"));
            }
            position++;
        }
        OpenAiJson.numbersOnly(root.get("usage")).ifPresent(u -> out.set("usage", u));
        // written straight to bytes (no intermediate String to encode again)
        return new Answer(200, "application/json", OpenAiJson.writeBytes(out),
                Map.of("X-Botsec-Verdict", worst.name().toLowerCase(Locale.ROOT)));
    }

    private static Answer refusal(String model, boolean stream, Verdict v) {
        String id = "botsec-refusal-" + Long.toHexString(System.nanoTime());
        long created = System.currentTimeMillis() / 1000;
        Map<String, String> headers = Map.of("X-Botsec-Verdict", "block");
        if (stream) {
            ObjectNode delta = OutputScanner.refusalMessage();
            String sse = "data: " + OpenAiJson.write(OpenAiJson.chunk(id, created, model, 0, delta, null)) + "\n\n"
                    + "data: " + OpenAiJson.write(OpenAiJson.chunk(id, created, model, 0, null, "content_filter")) + "\n\n"
                    + "data: [DONE]\n\n";
            return new Answer(200, "text/event-stream", sse.getBytes(StandardCharsets.UTF_8), headers);
        }
        ObjectNode o = OpenAiJson.MAPPER.createObjectNode();
        o.put("id", id);
        o.put("object", "chat.completion");
        o.put("created", created);
        o.put("model", model);
        ObjectNode ch = o.putArray("choices").addObject();
        ch.put("index", 0);
        ObjectNode msg = ch.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", OpenAiJson.REFUSAL);
        msg.put("refusal", "blocked by BotSec: " + String.join("; ", v.reasons()));
        ch.put("finish_reason", "content_filter");
        ObjectNode usage = o.putObject("usage");
        usage.put("prompt_tokens", 0);
        usage.put("completion_tokens", 0);
        usage.put("total_tokens", 0);
        return Answer.json(200, OpenAiJson.write(o), headers);
    }
}
