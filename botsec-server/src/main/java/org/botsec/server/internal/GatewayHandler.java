package org.botsec.server.internal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.botsec.guard.Action;
import org.botsec.core.finding.Finding;
import org.botsec.guard.GuardFindings;
import org.botsec.guard.Direction;
import org.botsec.guard.Guard;
import org.botsec.guard.RateLimiter;
import org.botsec.guard.Verdict;
import org.botsec.guard.audit.AuditLog;
import org.botsec.server.ApiKeys;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one Jetty handler. Checks run in a fixed order (method, body size, API key, rate limit,
 * content type, UTF-8, JSON shape) and each failure is a 4xx with a one-line JSON error in OpenAI's error shape;
 * nothing a client sends can make the handler throw past this class.
 */
public final class GatewayHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);
    /** What a blocked answer or request is replaced with. */
    public static final String REFUSAL = "I can't help with that request.";
    private static final int MAX_UPSTREAM_BYTES = 8 << 20;
    /** How many bytes of an oversized body are read and discarded so that the connection can stay open. */
    static final int DRAIN_LIMIT = 256 << 10;

    /** All settings of the handler; validated by {@code GatewayServer.Builder}. */
    public record Settings(Guard guard, ApiKeys apiKeys, RateLimiter limiter, AuditLog auditLog, URI upstream,
                           String upstreamApiKey, int maxBodyBytes, Duration upstreamTimeout) {
    }

    private final Settings s;
    private final Metrics metrics;
    private final HttpClient http;
    private final ObjectMapper json;

    public GatewayHandler(Settings settings, Metrics metrics) {
        this.s = settings;
        this.metrics = metrics;
        this.http = settings.upstream() == null ? null : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                .build();
        this.json = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long t0 = System.nanoTime();
        String path = Request.getPathInContext(request);
        String endpoint = switch (path) {
            case "/health", "/metrics", "/v1/guard/input", "/v1/guard/output", "/v1/chat/completions" -> path;
            default -> "other";
        };
        Answer answer;
        try {
            answer = route(endpoint, request);
        } catch (HttpError e) {
            Answer err = error(e.status, e.type, e.getMessage());
            answer = e.headers.isEmpty() ? err : new Answer(err.status(), err.contentType(), err.body(), e.headers);
        } catch (RuntimeException e) {
            // Never echo the exception text to the client: it may carry user text.
            LOG.warn("internal error on {}: {}", endpoint, e.getClass().getName());
            LOG.debug("internal error", e);
            answer = error(500, "server_error", "internal error");
        }
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        metrics.request(endpoint, answer.status(), System.nanoTime() - t0);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
        return true;
    }

    private Answer route(String endpoint, Request request) {
        String method = request.getMethod();
        switch (endpoint) {
            case "/health":
                requireMethod(method, "GET");
                return Answer.json(200, "{\"status\":\"ok\"}");
            case "/metrics":
                requireMethod(method, "GET");
                return new Answer(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.render().getBytes(StandardCharsets.UTF_8), Map.of());
            case "/v1/guard/input":
            case "/v1/guard/output": {
                requireMethod(method, "POST");
                byte[] raw = readBody(request);
                admit(request);
                JsonNode body = parseJson(request, raw);
                JsonNode text = body.get("text");
                if (text == null || !text.isTextual()) {
                    throw new HttpError(400, "invalid_request_error", "body must be a JSON object with a string field \"text\"");
                }
                Direction dir = endpoint.endsWith("input") ? Direction.INPUT : Direction.OUTPUT;
                Verdict v = scan(text.asText(), dir, "scan");
                return new Answer(200, "application/json", verdictBytes(v), Map.of());
            }
            case "/v1/chat/completions":
                requireMethod(method, "POST");
                byte[] raw = readBody(request);
                admit(request);
                return chat(parseJson(request, raw));
            default:
                throw new HttpError(404, "not_found", "no such endpoint");
        }
    }

    private static void requireMethod(String method, String expected) {
        if (!expected.equals(method)) {
            throw new HttpError(405, "invalid_request_error", "method " + (method.length() > 10 ? method.substring(0, 10) : method)
                    + " not allowed here, use " + expected);
        }
    }

    /** API key, then rate limit. */
    private void admit(Request request) {
        String client;
        if (s.apiKeys() != null) {
            String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            if (auth == null || auth.isBlank()) {
                throw new HttpError(401, "authentication_error", "missing API key: send Authorization: Bearer <key>");
            }
            if (auth.length() < 8 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new HttpError(401, "authentication_error", "Authorization header must be 'Bearer <key>'");
            }
            Optional<String> name = s.apiKeys().lookup(auth.substring(7).strip());
            if (name.isEmpty()) {
                throw new HttpError(401, "authentication_error", "invalid API key");
            }
            client = "key:" + name.get();
        } else {
            client = "addr:" + Request.getRemoteAddr(request);
        }
        if (s.limiter() != null) {
            RateLimiter.Decision d = s.limiter().check(client);
            if (!d.allowed()) {
                long seconds = Math.max(1, (d.retryAfter().toMillis() + 999) / 1000);
                throw new HttpError(429, "rate_limit_error", "rate limit exceeded, retry in " + seconds + " s",
                        Map.of("Retry-After", Long.toString(seconds)));
            }
        }
    }

    /**
     * Reads the whole body (at most the limit) before anything else, so that every answer, even a 401,
     * leaves the connection clean for the next keep-alive request.
     *
     * <p>An oversized body of at most {@link #DRAIN_LIMIT} bytes beyond the limit is read and thrown away
     * before the 413 is sent, and the connection stays open. A larger one is refused with {@code Connection:
     * close} without being read. The drain matters: a server that closes a socket with unread data in its receive
     * buffer makes the kernel send an RST, which can destroy the 413 before the client has read it
     * ("connection reset" instead of an answer, the lingering-close problem of RFC 9112 section 9.6).
     */
    private byte[] readBody(Request request) {
        long declared = request.getLength();
        if (declared > s.maxBodyBytes() + DRAIN_LIMIT) {
            throw new HttpError(413, "invalid_request_error", "body is " + declared + " bytes, the limit is " + s.maxBodyBytes(),
                    Map.of("Connection", "close"));
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            bytes = in.readNBytes(s.maxBodyBytes() + 1);
            if (bytes.length > s.maxBodyBytes()) {
                // Declared (or chunked) and too large: discard up to DRAIN_LIMIT more bytes, then answer.
                long drained = drain(in, DRAIN_LIMIT);
                boolean clean = drained >= 0;
                String size = declared >= 0 ? "body is " + declared + " bytes" : "body is larger than the limit";
                throw new HttpError(413, "invalid_request_error", size + ", the limit is " + s.maxBodyBytes(),
                        clean ? Map.of() : Map.of("Connection", "close"));
            }
        } catch (IOException e) {
            throw new HttpError(400, "invalid_request_error", "cannot read the request body", Map.of("Connection", "close"));
        }
        return bytes;
    }

    /** Reads and discards at most {@code limit} bytes; the count, or -1 when the stream had more than that. */
    private static long drain(InputStream in, long limit) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        while (total <= limit) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, limit + 1 - total));
            if (n < 0) {
                return total;
            }
            total += n;
        }
        return -1;
    }

    private JsonNode parseJson(Request request, byte[] bytes) {
        String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (ct == null || !isJsonContentType(ct)) {
            throw new HttpError(415, "invalid_request_error", "Content-Type must be application/json, got "
                    + (ct == null ? "none" : ct.length() > 40 ? ct.substring(0, 40) + "..." : ct));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "invalid_request_error", "body is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (IOException e) {
            throw new HttpError(400, "invalid_request_error", "body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new HttpError(400, "invalid_request_error", "body must be a JSON object");
        }
        return node;
    }

    private static boolean isJsonContentType(String ct) {
        String[] parts = ct.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
                return false;
            }
        }
        return true;
    }

    private Verdict scan(String text, Direction dir, String action) {
        Verdict v = s.guard().scan(text, dir);
        String d = dir.name().toLowerCase(Locale.ROOT);
        metrics.verdict(d, v.action().name().toLowerCase(Locale.ROOT));
        if (s.auditLog() != null) {
            s.auditLog().append(dir, v, text, action);
        }
        return v;
    }

    /** The verdict as JSON bytes, written straight through a streaming generator (no tree, no String). */
    private byte[] verdictBytes(Verdict v) {
        ByteArrayBuilder buf = new ByteArrayBuilder(256 + 2 * v.text().length());
        try (JsonGenerator g = json.getFactory().createGenerator(buf, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("verdict", v.action().name().toLowerCase(Locale.ROOT));
            g.writeStringField("text", v.text());
            g.writeArrayFieldStart("findings");
            for (Finding f : v.findings()) {
                g.writeObject(GuardFindings.toJson(f));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("reasons");
            for (String r : v.reasons()) {
                g.writeString(r);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return buf.toByteArray();
    }

    // ---- OpenAI-compatible proxy ----

    private Answer chat(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new HttpError(400, "invalid_request_error", "\"messages\" must be a non-empty array");
        }
        boolean stream = body.path("stream").asBoolean(false);
        String model = body.path("model").isTextual() ? body.get("model").asText() : "unknown";
        List<String> reasons = new ArrayList<>();
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw new HttpError(400, "invalid_request_error", "each message must be an object with a string \"role\"");
            }
            String role = m.get("role").asText();
            // User and tool messages come from outside (tool results carry indirect injections); system and
            // assistant messages are the operator's and the bot's own.
            if (!role.equals("user") && !role.equals("tool")) {
                continue;
            }
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                Verdict v = scan(content.asText(), Direction.INPUT, "proxy_request");
                if (v.action() == Action.BLOCK) {
                    return refusal(model, stream, v);
                }
                if (v.action() == Action.REDACT) {
                    ((ObjectNode) m).put("content", v.text());
                }
            } else if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    if (part.isObject() && "text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                        Verdict v = scan(part.get("text").asText(), Direction.INPUT, "proxy_request");
                        if (v.action() == Action.BLOCK) {
                            return refusal(model, stream, v);
                        }
                        if (v.action() == Action.REDACT) {
                            ((ObjectNode) part).put("text", v.text());
                        }
                    }
                }
            } else if (content != null && !content.isNull()) {
                throw new HttpError(400, "invalid_request_error", "message content must be a string or an array of parts");
            }
        }
        if (s.upstream() == null) {
            throw new HttpError(503, "server_error", "no upstream configured (start the gateway with --upstream URL)");
        }
        HttpResponse<InputStream> up = forward(body);
        byte[] upBody = readUpstream(up);
        if (up.statusCode() / 100 != 2) {
            return error(502, "upstream_error", "upstream answered HTTP " + up.statusCode());
        }
        String upType = up.headers().firstValue("content-type").orElse("");
        if (stream && upType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            return streamed(upBody, model);
        }
        return buffered(upBody);
    }

    private HttpResponse<InputStream> forward(JsonNode body) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(s.upstream())
                .timeout(s.upstreamTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body)));
        if (s.upstreamApiKey() != null) {
            rb.header("Authorization", "Bearer " + s.upstreamApiKey());
        }
        try {
            return http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new HttpError(502, "upstream_error", "upstream unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "server_error", "interrupted");
        }
    }

    private static byte[] readUpstream(HttpResponse<InputStream> up) {
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

    /** Non-streaming answer: scan each choice's message content and rewrite or refuse it. */
    private Answer buffered(byte[] upBody) {
        JsonNode root;
        try {
            root = json.readTree(upBody);
        } catch (IOException e) {
            return error(502, "upstream_error", "upstream answer is not JSON");
        }
        if (root == null || !root.isObject()) {
            return error(502, "upstream_error", "upstream answer is not a JSON object");
        }
        Action worst = Action.ALLOW;
        for (JsonNode choice : root.path("choices")) {
            JsonNode msg = choice.path("message");
            if (msg.isObject() && msg.path("content").isTextual()) {
                Verdict v = scan(msg.get("content").asText(), Direction.OUTPUT, "proxy_response");
                worst = worst.compareTo(v.action()) >= 0 ? worst : v.action();
                if (v.action() == Action.BLOCK) {
                    ((ObjectNode) msg).put("content", REFUSAL);
                    ((ObjectNode) choice).put("finish_reason", "content_filter");
                } else if (v.action() == Action.REDACT) {
                    ((ObjectNode) msg).put("content", v.text());
                }
            }
        }
        return new Answer(200, "application/json", write(root).getBytes(StandardCharsets.UTF_8),
                Map.of("X-Botsec-Verdict", worst.name().toLowerCase(Locale.ROOT)));
    }

    /**
     * Streaming answer, buffered: the whole event stream is read, the text of each choice assembled and
     * scanned, and only then released, unchanged when every choice is allowed, else as one rewritten chunk per
     * choice. Nothing unscanned reaches the client, at the price of the first token arriving with the last.
     */
    private Answer streamed(byte[] upBody, String model) {
        String text = new String(upBody, StandardCharsets.UTF_8);
        Map<Integer, StringBuilder> contents = new LinkedHashMap<>();
        Map<Integer, String> finish = new LinkedHashMap<>();
        String id = "botsec-stream";
        long created = System.currentTimeMillis() / 1000;
        for (String line : text.split("\r?\n")) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).strip();
            if (data.equals("[DONE]") || data.isEmpty()) {
                continue;
            }
            JsonNode ev;
            try {
                ev = json.readTree(data);
            } catch (IOException e) {
                return error(502, "upstream_error", "upstream stream event is not JSON");
            }
            if (ev.path("id").isTextual()) {
                id = ev.get("id").asText();
            }
            if (ev.path("created").canConvertToLong()) {
                created = ev.get("created").asLong();
            }
            if (ev.path("model").isTextual()) {
                model = ev.get("model").asText();
            }
            for (JsonNode ch : ev.path("choices")) {
                int idx = ch.path("index").asInt(0);
                JsonNode c = ch.path("delta").path("content");
                if (c.isTextual()) {
                    contents.computeIfAbsent(idx, k -> new StringBuilder()).append(c.asText());
                }
                if (ch.path("finish_reason").isTextual()) {
                    finish.put(idx, ch.get("finish_reason").asText());
                }
            }
        }
        Action worst = Action.ALLOW;
        Map<Integer, String> rewritten = new LinkedHashMap<>();
        for (Map.Entry<Integer, StringBuilder> e : contents.entrySet()) {
            Verdict v = scan(e.getValue().toString(), Direction.OUTPUT, "proxy_response");
            worst = worst.compareTo(v.action()) >= 0 ? worst : v.action();
            if (v.action() == Action.BLOCK) {
                rewritten.put(e.getKey(), REFUSAL);
                finish.put(e.getKey(), "content_filter");
            } else {
                rewritten.put(e.getKey(), v.action() == Action.REDACT ? v.text() : e.getValue().toString());
            }
        }
        Map<String, String> headers = Map.of("X-Botsec-Verdict", worst.name().toLowerCase(Locale.ROOT), "Cache-Control", "no-cache");
        if (worst == Action.ALLOW) {
            return new Answer(200, "text/event-stream", upBody, headers);
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Integer, String> e : rewritten.entrySet()) {
            out.append("data: ").append(write(chunk(id, created, model, e.getKey(), e.getValue(), null))).append("\n\n");
            out.append("data: ").append(write(chunk(id, created, model, e.getKey(), null, finish.getOrDefault(e.getKey(), "stop")))).append("\n\n");
        }
        out.append("data: [DONE]\n\n");
        return new Answer(200, "text/event-stream", out.toString().getBytes(StandardCharsets.UTF_8), headers);
    }

    private ObjectNode chunk(String id, long created, String model, int index, String content, String finishReason) {
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("object", "chat.completion.chunk");
        o.put("created", created);
        o.put("model", model);
        ObjectNode ch = o.putArray("choices").addObject();
        ch.put("index", index);
        ObjectNode delta = ch.putObject("delta");
        if (content != null) {
            delta.put("role", "assistant");
            delta.put("content", content);
        }
        if (finishReason == null) {
            ch.putNull("finish_reason");
        } else {
            ch.put("finish_reason", finishReason);
        }
        return o;
    }

    private Answer refusal(String model, boolean stream, Verdict v) {
        String id = "botsec-refusal-" + Long.toHexString(System.nanoTime());
        long created = System.currentTimeMillis() / 1000;
        Map<String, String> headers = Map.of("X-Botsec-Verdict", "block");
        if (stream) {
            String sse = "data: " + write(chunk(id, created, model, 0, REFUSAL, null)) + "\n\n"
                    + "data: " + write(chunk(id, created, model, 0, null, "content_filter")) + "\n\n"
                    + "data: [DONE]\n\n";
            return new Answer(200, "text/event-stream", sse.getBytes(StandardCharsets.UTF_8), headers);
        }
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("object", "chat.completion");
        o.put("created", created);
        o.put("model", model);
        ObjectNode ch = o.putArray("choices").addObject();
        ch.put("index", 0);
        ObjectNode msg = ch.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", REFUSAL);
        msg.put("refusal", "blocked by BotSec: " + String.join("; ", v.reasons()));
        ch.put("finish_reason", "content_filter");
        ObjectNode usage = o.putObject("usage");
        usage.put("prompt_tokens", 0);
        usage.put("completion_tokens", 0);
        usage.put("total_tokens", 0);
        return new Answer(200, "application/json", write(o).getBytes(StandardCharsets.UTF_8), headers);
    }

    private Answer error(int status, String type, String message) {
        ObjectNode o = json.createObjectNode();
        ObjectNode e = o.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("code", status);
        return Answer.json(status, write(o));
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
