package org.botsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 10,000 malformed requests of six kinds against one gateway: every one must get a 4xx with a JSON error and
 * the gateway must still answer a good request afterwards. A minimal keep-alive HTTP/1.1 client on raw
 * sockets keeps the client's own cost low, so the test takes seconds.
 */
class GatewayRobustnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "robust-key-0123456789abcdef";

    /** One keep-alive connection; reconnects when the server says {@code Connection: close}. */
    private static final class RawClient implements AutoCloseable {
        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        RawClient(int port) {
            this.port = port;
        }

        record Reply(int status, String body, boolean closed) {
        }

        Reply send(String path, String contentType, String auth, byte[] body) throws IOException {
            if (socket == null) {
                socket = new Socket(InetAddress.getLoopbackAddress(), port);
                socket.setSoTimeout(10_000);
                socket.setTcpNoDelay(true);
                in = new BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
            }
            StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            if (auth != null) {
                head.append("Authorization: ").append(auth).append("\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            // One write per request: head and body in separate small writes meet Nagle + delayed ACK (40 ms stalls).
            byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = java.util.Arrays.copyOf(headBytes, headBytes.length + body.length);
            System.arraycopy(body, 0, all, headBytes.length, body.length);
            out.write(all);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            int length = -1;
            boolean close = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).strip());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (length < 0) {
                throw new IOException("no Content-Length in reply to " + path);
            }
            String reply = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            if (close) {
                close();
            }
            return new Reply(status, reply, close);
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            if (c < 0 && b.size() == 0) {
                throw new IOException("connection closed by server");
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /**
     * An oversized body within the drain allowance is read and discarded before the 413, so the same keep-alive
     * connection then serves a good request; closing with unread data would make the kernel reset the connection
     * and could destroy the 413 before the client reads it. A body far over the limit is refused unread, with
     * {@code Connection: close}.
     */
    @Test
    void oversizedBodyIsDrainedAndTheConnectionKeepsServing() throws Exception {
        try (GatewayServer gw = GatewayServer.builder().shutdownGrace(Duration.ZERO).guard(new FakeGuard()).port(0).maxBodyBytes(1024)
                .build().start(); RawClient client = new RawClient(gw.port())) {
            byte[] oversized = ("{\"text\":\"" + "a".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            byte[] hi = "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 50; i++) {
                RawClient.Reply r = client.send("/v1/guard/input", "application/json", null, oversized);
                assertEquals(413, r.status(), r.body());
                assertTrue(!r.closed(), "a drained 413 keeps the connection open");
                RawClient.Reply ok = client.send("/v1/guard/input", "application/json", null, hi);
                assertEquals(200, ok.status(), ok.body());
            }
            Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port());
            try (s) {
                s.setSoTimeout(10_000);
                // Declared far beyond limit + drain allowance; only the head is sent, so nothing is left unread.
                s.getOutputStream().write(("POST /v1/guard/input HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
                assertTrue(reply.toLowerCase(Locale.ROOT).contains("connection: close"), reply);
            }
        }
    }

    @Test
    void tenThousandMalformedRequestsEachGet4xxAndServerKeepsServing() throws Exception {
        try (GatewayServer gw = GatewayServer.builder().shutdownGrace(Duration.ZERO).guard(new FakeGuard()).port(0).maxBodyBytes(1024)
                .apiKeys(ApiKeys.of(Map.of("tester", KEY))).build().start()) {
            byte[] badUtf8 = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
            byte[] oversized = ("{\"text\":\"" + "a".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8);
            byte[] hi = "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
            String[] kinds = {"bad_json", "invalid_utf8", "oversized", "wrong_content_type", "missing_key", "wrong_key"};
            Map<String, AtomicInteger> statusByKind = new ConcurrentHashMap<>();
            AtomicInteger non4xx = new AtomicInteger();
            int total = 10_000;
            int workers = 4;
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < workers; t++) {
                    int worker = t;
                    futures.add(pool.submit(() -> {
                        try (RawClient client = new RawClient(gw.port())) {
                            for (int i = worker; i < total; i += workers) {
                                String kind = kinds[i % kinds.length];
                                String path = i % 2 == 0 ? "/v1/guard/input" : "/v1/chat/completions";
                                String ct = "application/json";
                                String auth = "Bearer " + KEY;
                                byte[] body = hi;
                                switch (kind) {
                                    case "bad_json" -> body = ("{\"text\": \"unterminated " + i).getBytes(StandardCharsets.UTF_8);
                                    case "invalid_utf8" -> body = badUtf8;
                                    case "oversized" -> body = oversized;
                                    case "wrong_content_type" -> ct = i % 3 == 0 ? "text/plain" : i % 3 == 1 ? null : "application/json; charset=latin1";
                                    case "missing_key" -> auth = i % 2 == 0 ? null : "Basic dXNlcjpwdw==";
                                    default -> auth = "Bearer wrong-" + i;
                                }
                                try {
                                    RawClient.Reply r = client.send(path, ct, auth, body);
                                    if (r.status() < 400 || r.status() >= 500 || !JSON.readTree(r.body()).has("error")) {
                                        non4xx.incrementAndGet();
                                    }
                                    statusByKind.computeIfAbsent(kind + ":" + r.status(), k -> new AtomicInteger()).incrementAndGet();
                                } catch (IOException e) {
                                    non4xx.incrementAndGet();
                                    statusByKind.computeIfAbsent(kind + ":" + e.getMessage(), k -> new AtomicInteger()).incrementAndGet();
                                    client.close();
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(0, non4xx.get(), "responses that were not a 4xx JSON error: " + statusByKind);
            assertEquals(total, statusByKind.values().stream().mapToInt(AtomicInteger::get).sum());
            // Each kind maps to its own status, all of it.
            assertEquals(Map.of("bad_json:400", 1667, "invalid_utf8:400", 1667, "oversized:413", 1667,
                    "wrong_content_type:415", 1667, "missing_key:401", 1666, "wrong_key:401", 1666),
                    Map.copyOf(statusByKind.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()))));

            // Raw garbage on a socket (not HTTP at all) must not hurt either.
            for (int i = 0; i < 20; i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
                    s.setSoTimeout(5000);
                    s.getOutputStream().write(("GARBAGE \u0000\u0001 nonsense " + i + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
                    assertTrue(status.isEmpty() || status.startsWith("HTTP/1.1 4"), status);
                }
            }

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> good = client.send(HttpRequest.newBuilder(gw.baseUri().resolve("/v1/guard/input"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"still alive? eve@example.org\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, good.statusCode());
            JsonNode v = JSON.readTree(good.body());
            assertEquals("redact", v.get("verdict").asText());
        }
    }
}
