package org.botsec.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP client that forwards chat requests to the upstream: Jetty's {@link HttpClient} over HTTP/1.1 with
 * pooled keep-alive connections, no redirects and no content decoding (the gateway asks for no compressed
 * answers, as before). It replaced the JDK's {@code java.net.http.HttpClient}, which on 2 cores spent about as much
 * CPU per proxied request in its own selector and executor threads and on a lock taken to register each request's
 * timer (JFR: the most contended monitor in the gateway) as the whole unguarded gateway should use
 * (docs/gateway.md, fifth measurement).
 *
 * <p>Timeouts: the answer's status and headers must arrive within the upstream timeout, and afterwards the
 * upstream may not go silent for longer than that timeout while the gateway reads its body (a stalled stream
 * fails instead of holding a request thread forever). Started and stopped with the gateway's handler, whose bean
 * it is.
 */
final class Upstream extends ContainerLifeCycle {
    private final URI uri;
    private final String bearer;
    private final long timeoutMillis;
    private final HttpClient client;

    /** An upstream's answer: its status, its content type ("" when absent) and its body, read as it arrives. */
    record Answer(int status, String contentType, InputStream body) {
    }

    /** @param apiKey null when the upstream needs no key */
    Upstream(URI uri, String apiKey, Duration timeout) {
        this.uri = uri;
        this.bearer = apiKey == null ? null : "Bearer " + apiKey;
        this.timeoutMillis = timeout.toMillis();
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("botsec-upstream");
        this.client = new HttpClient();
        client.setExecutor(pool);
        client.setFollowRedirects(false);
        client.setConnectTimeout(5_000);
        client.setIdleTimeout(Math.max(timeoutMillis, 30_000));
        client.setUserAgentField(null);
        addBean(client);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // HttpClient adds its gzip decoder (and "Accept-Encoding: gzip") when it starts; the gateway reads answers
        // as sent, so that its size limit counts the bytes the upstream produced.
        client.getContentDecoderFactories().clear();
    }

    /**
     * POSTs a JSON body and returns once the status and headers are in; the caller reads (and closes) the body.
     *
     * @throws HttpError 502 when the upstream cannot be reached or does not answer in time
     */
    Answer post(byte[] json) {
        Request request = client.newRequest(uri)
                .method(HttpMethod.POST)
                .idleTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .body(new BytesRequestContent("application/json", json));
        if (bearer != null) {
            request.headers(h -> h.put(HttpHeader.AUTHORIZATION, bearer));
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response response;
        try {
            response = listener.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            throw new HttpError(502, "upstream_error", "upstream did not answer within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new HttpError(502, "upstream_error", "upstream unreachable: " + cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw new HttpError(503, "server_error", "interrupted");
        }
        String type = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return new Answer(response.getStatus(), type == null ? "" : type, listener.getInputStream());
    }

    /** Closes a body that will not be read (the connection is dropped, not reused). */
    static void discard(Answer answer) {
        try {
            answer.body().close();
        } catch (IOException e) {
            // nothing was read from it
        }
    }
}
