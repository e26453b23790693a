package org.botsec.server.internal;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.botsec.guard.Guard;
import org.botsec.guard.RateLimiter;
import org.botsec.guard.audit.AuditLog;
import org.botsec.server.ApiKeys;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
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
    /** What a blocked answer or request is replaced with. */
    public static final String REFUSAL = OpenAiJson.REFUSAL;

    /** All settings of the handler; validated by {@code GatewayServer.Builder}. */
    public record Settings(Guard guard, ApiKeys apiKeys, RateLimiter limiter, AuditLog auditLog, URI upstream,
                           String upstreamApiKey, int maxBodyBytes, Duration upstreamTimeout) {
    }

    private final Metrics metrics;
    private final Router router;

    public GatewayHandler(Settings s, Metrics metrics) {
        this.metrics = metrics;
        GuardScans scans = new GuardScans(s.guard(), s.auditLog(), metrics);
        this.router = new Router(metrics, new Admission(s.apiKeys(), s.limiter()), new RequestBodies(s.maxBodyBytes()), scans,
                new ChatProxy(scans, s.upstream(), s.upstreamApiKey(), s.upstreamTimeout()));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long t0 = System.nanoTime();
        String endpoint = Router.endpoint(Request.getPathInContext(request));
        Answer answer;
        try {
            answer = router.route(endpoint, request);
        } catch (HttpError e) {
            answer = Answer.error(e.status, e.type, e.getMessage(), e.headers);
        } catch (RuntimeException e) {
            // Never echo the exception text to the client: it may carry user text.
            LOG.warn("internal error on {}: {}", endpoint, e.getClass().getName());
            LOG.debug("internal error", e);
            answer = Answer.error(500, "server_error", "internal error");
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
}
