package org.botsec.server.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.botsec.guard.Guard;
import org.botsec.guard.RateLimiter;
import org.botsec.guard.audit.AuditLog;
import org.botsec.server.ApiKeys;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one Jetty handler: hands the request to the {@link Router}, turns every failure into a 4xx/5xx
 * with a one-line JSON error in OpenAI's error shape, and writes the answer. Nothing a client sends can make
 * the handler throw past this class. The work is split by concern: {@link Router} (endpoints and check order),
 * {@link Admission} (API key, rate limit), {@link RequestBodies} (size limit, content type, UTF-8, JSON),
 * {@link ChatProxy} (the OpenAI-compatible proxy), {@link EventStreamRelay} (streamed answers),
 * {@link OutputScanner} (what of an answer is scanned and relayed).
 */
public final class GatewayHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);
    /**
     * One INFO line per request: method, endpoint, status, latency, bytes sent. Never the query, a header or
     * the body; unknown paths are logged as {@code other}, so no client-chosen text reaches the log.
     */
    private static final Logger ACCESS = LoggerFactory.getLogger("org.botsec.server.access");
    /** What a blocked answer or request is replaced with. */
    public static final String REFUSAL = OpenAiJson.REFUSAL;

    /** All settings of the handler; validated by {@code GatewayServer.Builder}. */
    public record Settings(Guard guard, ApiKeys apiKeys, RateLimiter limiter, AuditLog auditLog, URI upstream,
                           String upstreamApiKey, int maxBodyBytes, Duration upstreamTimeout, int streamHoldBack,
                           int streamContext) {
    }

    private final Metrics metrics;
    private final Router router;

    public GatewayHandler(Settings s, Metrics metrics) {
        this.metrics = metrics;
        GuardScans scans = new GuardScans(s.guard(), s.auditLog(), metrics);
        ChatProxy proxy = new ChatProxy(scans, s.upstream(), s.upstreamApiKey(), s.upstreamTimeout(), s.streamHoldBack(), s.streamContext());
        proxy.upstream().ifPresent(this::addBean); // the upstream client starts and stops with this handler
        this.router = new Router(metrics, new Admission(s.apiKeys(), s.limiter()), new RequestBodies(s.maxBodyBytes()), scans, proxy);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long t0 = System.nanoTime();
        String endpoint = Router.endpoint(Request.getPathInContext(request));
        Reply reply;
        try {
            reply = router.route(endpoint, request);
        } catch (HttpError e) {
            reply = Answer.error(e.status, e.type, e.getMessage(), e.headers);
        } catch (RuntimeException e) {
            reply = internalError(endpoint, e);
        }
        if (reply instanceof Reply.Streamed streamed) {
            stream(streamed, endpoint, request, response, callback, t0);
            return true;
        }
        Answer answer = (Answer) reply;
        writeHeaders(response, answer.status(), answer.contentType(), answer.headers());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        finished(request, endpoint, answer.status(), answer.body().length, t0);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
        return true;
    }

    private static Answer internalError(String endpoint, RuntimeException e) {
        // Never echo the exception text to the client: it may carry user text.
        LOG.warn("internal error on {}: {}", endpoint, e.getClass().getName());
        LOG.debug("internal error", e);
        return Answer.error(500, "server_error", "internal error");
    }

    private static void writeHeaders(Response response, int status, String contentType, java.util.Map<String, String> headers) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        headers.forEach((k, v) -> response.getHeaders().put(k, v));
    }

    /**
     * Writes a streamed answer event by event (blocking writes on this request's thread, so a slow client slows
     * its own upstream read and nothing piles up). The response is committed by the first event; a failure
     * before it becomes an ordinary error answer.
     */
    private void stream(Reply.Streamed streamed, String endpoint, Request request, Response response, Callback callback, long t0) {
        long[] sent = {0};
        EventStreamRelay.EventSink sink = new EventStreamRelay.EventSink() {
            private boolean committed;

            @Override
            public void send(String data) throws IOException {
                if (!committed) {
                    writeHeaders(response, 200, "text/event-stream; charset=utf-8", streamed.headers());
                    committed = true;
                }
                byte[] bytes = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
                sent[0] += bytes.length;
                try (Blocker.Callback cb = Blocker.callback()) {
                    response.write(false, ByteBuffer.wrap(bytes), cb);
                    cb.block();
                }
            }

            @Override
            public boolean committed() {
                return committed;
            }
        };
        try {
            streamed.body().writeTo(sink);
        } catch (IOException | RuntimeException e) {
            if (!sink.committed()) {
                Answer answer = e instanceof HttpError h ? Answer.error(h.status, h.type, h.getMessage(), h.headers)
                        : e instanceof IOException ? Answer.error(502, "upstream_error", "upstream stream failed: " + e.getClass().getSimpleName())
                        : internalError(endpoint, (RuntimeException) e);
                writeHeaders(response, answer.status(), answer.contentType(), answer.headers());
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
                finished(request, endpoint, answer.status(), answer.body().length, t0);
                response.write(true, ByteBuffer.wrap(answer.body()), callback);
                return;
            }
            // Committed: the client went away, or the stream broke mid-way; end the response as it stands.
            LOG.debug("stream ended early on {}: {}", endpoint, e.getClass().getName());
            finished(request, endpoint, 200, sent[0], t0);
            callback.failed(e instanceof IOException io ? io : new IOException(e.getClass().getName()));
            return;
        }
        finished(request, endpoint, 200, sent[0], t0);
        response.write(true, ByteBuffer.allocate(0), callback);
    }

    private void finished(Request request, String endpoint, int status, long bytes, long t0) {
        long nanos = System.nanoTime() - t0;
        metrics.request(endpoint, status, nanos);
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info(accessLine(request.getMethod(), endpoint, status, nanos, bytes));
        }
    }

    /**
     * One request log line, e.g. {@code method=POST path=/v1/guard/input status=200 latency_ms=1.234 bytes=312}:
     * a known method or {@code OTHER}, the endpoint label (unknown paths are {@code other}), never the query, a
     * header, the body or anything else the client chose.
     */
    static String accessLine(String method, String endpoint, int status, long nanos, long bytes) {
        long micros = Math.max(0, nanos / 1000);
        String frac = Long.toString(micros % 1000);
        return "method=" + method(method) + " path=" + Router.endpoint(endpoint) + " status=" + status + " latency_ms="
                + micros / 1000 + "." + "000".substring(frac.length()) + frac + " bytes=" + bytes;
    }

    /** The request method as logged: a known method, or {@code OTHER} (never client text of any length). */
    private static String method(String m) {
        return switch (m) {
            case "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH" -> m;
            default -> "OTHER";
        };
    }
}
