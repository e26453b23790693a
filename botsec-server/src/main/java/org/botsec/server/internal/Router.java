package org.botsec.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;
import org.eclipse.jetty.server.Request;

/**
 * Which endpoint does what. Checks run in a fixed order: method, body size, API key, rate limit, content type,
 * UTF-8, JSON shape.
 */
final class Router {
    /** The endpoints; anything else counts as {@code other} in the metrics and is a 404. */
    static String endpoint(String path) {
        return switch (path) {
            case "/health", "/metrics", "/v1/guard/input", "/v1/guard/output", "/v1/chat/completions" -> path;
            default -> "other";
        };
    }

    private final Metrics metrics;
    private final Admission admission;
    private final RequestBodies bodies;
    private final GuardScans scans;
    private final ChatProxy chat;

    Router(Metrics metrics, Admission admission, RequestBodies bodies, GuardScans scans, ChatProxy chat) {
        this.metrics = metrics;
        this.admission = admission;
        this.bodies = bodies;
        this.scans = scans;
        this.chat = chat;
    }

    Reply route(String endpoint, Request request) {
        String method = request.getMethod();
        switch (endpoint) {
            case "/health":
                requireMethod(method, "GET");
                return Answer.json(200, "{\"status\":\"ok\"}");
            case "/metrics":
                requireMethod(method, "GET");
                admission.authenticate(request); // the same API keys as the guard endpoints (none configured: open)
                return new Answer(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.render().getBytes(StandardCharsets.UTF_8), Map.of());
            case "/v1/guard/input":
            case "/v1/guard/output": {
                requireMethod(method, "POST");
                byte[] raw = bodies.read(request);
                admission.admit(request);
                JsonNode body = bodies.parseObject(request, raw);
                JsonNode text = body.get("text");
                if (text == null || !text.isTextual()) {
                    throw new HttpError(400, "invalid_request_error", "body must be a JSON object with a string field \"text\"");
                }
                Direction dir = endpoint.endsWith("input") ? Direction.INPUT : Direction.OUTPUT;
                Verdict v = scans.scan(text.asText(), dir, "scan");
                return new Answer(200, "application/json", VerdictJson.bytes(v), Map.of());
            }
            case "/v1/chat/completions": {
                requireMethod(method, "POST");
                byte[] raw = bodies.read(request);
                admission.admit(request);
                return chat.chat(bodies.parseObject(request, raw));
            }
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
}
