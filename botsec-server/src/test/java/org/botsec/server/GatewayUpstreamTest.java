package org.botsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's client to the upstream: what it sends (key, no compression), and how it fails when the upstream is
 * down, answers an error, never answers, or stops in the middle of a stream. The upstream here is a raw socket
 * server, so that it can misbehave in ways a real HTTP server library would not.
 */
class GatewayUpstreamTest {
    private static final Duration TIMEOUT = Duration.ofMillis(600);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private ServerSocket upstream;
    private GatewayServer gateway;

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Accepts connections; each reads one request and then answers {@code reply} (null: says nothing, keeps the socket). */
    private URI rawUpstream(String reply) throws IOException {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!upstream.isClosed()) {
                try {
                    Socket s = upstream.accept();
                    heads.add(readRequest(s.getInputStream()));
                    if (reply != null) {
                        OutputStream out = s.getOutputStream();
                        out.write(reply.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                    // the socket stays open: a stalled upstream neither answers nor closes
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + upstream.getLocalPort() + "/v1");
    }

    /** The request head, after reading the body its Content-Length announces. */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed");
            }
            head.append((char) c);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
        return head.toString();
    }

    private void startGateway(URI up) {
        gateway = GatewayServer.builder().shutdownGrace(Duration.ZERO).guard(new FakeGuard()).port(0).upstream(up)
                .upstreamApiKey("sk-upstream-secret").upstreamTimeout(TIMEOUT).build().start();
    }

    private HttpResponse<String> chat(boolean stream) throws Exception {
        String body = "{\"model\":\"fake-1\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        HttpRequest req = HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);
    }

    @Test
    void forwardsTheKeyAndAsksForNoCompression() throws Exception {
        String answer = FakeUpstream.completion("Hi there.");
        startGateway(rawUpstream("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + answer.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + answer));
        HttpResponse<String> r = chat(false);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("Hi there."), r.body());
        String head = heads.get(0).toLowerCase(Locale.ROOT);
        assertTrue(head.startsWith("post /v1/chat/completions http/1.1\r\n"), head);
        assertTrue(head.contains("\r\nauthorization: bearer sk-upstream-secret\r\n"), head);
        assertTrue(head.contains("\r\ncontent-type: application/json"), head);
        assertFalse(head.contains("accept-encoding"), head);
    }

    @Test
    void anUpstreamErrorIs502() throws Exception {
        startGateway(rawUpstream("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops"));
        HttpResponse<String> r = chat(false);
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("upstream answered HTTP 500"), r.body());
    }

    @Test
    void anUnreachableUpstreamIs502() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        startGateway(URI.create("http://127.0.0.1:" + closedPort + "/v1"));
        HttpResponse<String> r = chat(false);
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("upstream unreachable"), r.body());
    }

    @Test
    void anUpstreamThatNeverAnswersIs502AfterTheTimeout() throws Exception {
        startGateway(rawUpstream(null));
        long t0 = System.nanoTime();
        HttpResponse<String> r = chat(false);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("did not answer within 600 ms"), r.body());
        assertTrue(millis >= TIMEOUT.toMillis(), "answered after " + millis + " ms");
    }

    @Test
    void aStreamThatStallsEndsInsteadOfHoldingTheRequest() throws Exception {
        // Headers and one event, then silence with the connection open: the gateway must give up after the
        // timeout (idle), not wait for ever. The client gets the start of the stream and then an ended response.
        String event = FakeUpstream.stream("Hello").split("\n\n")[0] + "\n\n";
        startGateway(rawUpstream("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(event.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + event + "\r\n"));
        long t0 = System.nanoTime();
        String outcome;
        try {
            HttpResponse<String> r = chat(true);
            outcome = "status " + r.statusCode() + ": " + r.body();
            assertFalse(r.body().contains("[DONE]"), outcome);
        } catch (java.util.concurrent.ExecutionException e) {
            outcome = "failed: " + e.getCause().getClass().getSimpleName();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 10_000, "the stalled stream held the request for " + millis + " ms (" + outcome + ")");
    }
}
