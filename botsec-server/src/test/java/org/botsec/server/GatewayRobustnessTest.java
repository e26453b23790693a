package org.botsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * the gateway must still answer a good request afterwards.
 */
class GatewayRobustnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "robust-key-0123456789abcdef";

    @Test
    void tenThousandMalformedRequestsEachGet4xxAndServerKeepsServing() throws Exception {
        try (GatewayServer gw = GatewayServer.builder().guard(new FakeGuard()).port(0).maxBodyBytes(1024)
                .apiKeys(ApiKeys.of(Map.of("tester", KEY))).build().start()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(2)).build();
            byte[] badUtf8 = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
            byte[] oversized = ("{\"text\":\"" + "a".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8);
            String[] kinds = {"bad_json", "invalid_utf8", "oversized", "wrong_content_type", "missing_key", "wrong_key"};
            Map<String, AtomicInteger> statusByKind = new ConcurrentHashMap<>();
            AtomicInteger non4xx = new AtomicInteger();
            int total = 10_000;
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int worker = t;
                    futures.add(pool.submit(() -> {
                        for (int i = worker; i < total; i += 4) {
                            String kind = kinds[i % kinds.length];
                            HttpRequest.Builder rb = HttpRequest.newBuilder(gw.baseUri().resolve(i % 2 == 0 ? "/v1/guard/input" : "/v1/chat/completions"));
                            byte[] body;
                            String ct = "application/json";
                            String auth = "Bearer " + KEY;
                            switch (kind) {
                                case "bad_json" -> body = ("{\"text\": \"unterminated " + i).getBytes(StandardCharsets.UTF_8);
                                case "invalid_utf8" -> body = badUtf8;
                                case "oversized" -> body = oversized;
                                case "wrong_content_type" -> {
                                    body = "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
                                    ct = i % 3 == 0 ? "text/plain" : "application/json; charset=latin1";
                                }
                                case "missing_key" -> {
                                    body = "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
                                    auth = null;
                                }
                                default -> {
                                    body = "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
                                    auth = "Bearer wrong-" + i;
                                }
                            }
                            rb.header("Content-Type", ct).POST(HttpRequest.BodyPublishers.ofByteArray(body));
                            if (auth != null) {
                                rb.header("Authorization", auth);
                            }
                            try {
                                HttpResponse<String> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofString());
                                int st = r.statusCode();
                                if (st < 400 || st >= 500 || !JSON.readTree(r.body()).has("error")) {
                                    non4xx.incrementAndGet();
                                }
                                statusByKind.computeIfAbsent(kind + ":" + st, k -> new AtomicInteger()).incrementAndGet();
                            } catch (Exception e) {
                                non4xx.incrementAndGet();
                                statusByKind.computeIfAbsent(kind + ":" + e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
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
            int counted = statusByKind.values().stream().mapToInt(AtomicInteger::get).sum();
            assertEquals(total, counted);
            // Each kind maps to its own status.
            assertTrue(statusByKind.containsKey("bad_json:400"), statusByKind.toString());
            assertTrue(statusByKind.containsKey("invalid_utf8:400"), statusByKind.toString());
            assertTrue(statusByKind.containsKey("oversized:413"), statusByKind.toString());
            assertTrue(statusByKind.containsKey("wrong_content_type:415"), statusByKind.toString());
            assertTrue(statusByKind.containsKey("missing_key:401"), statusByKind.toString());
            assertTrue(statusByKind.containsKey("wrong_key:401"), statusByKind.toString());

            // Raw garbage on a socket (not HTTP at all) must not hurt either.
            for (int i = 0; i < 20; i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
                    s.setSoTimeout(5000);
                    OutputStream os = s.getOutputStream();
                    os.write(("GARBAGE \u0000\u0001 nonsense " + i + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    os.flush();
                    InputStream is = s.getInputStream();
                    byte[] head = is.readNBytes(12);
                    String status = new String(head, StandardCharsets.ISO_8859_1);
                    assertTrue(head.length == 0 || status.startsWith("HTTP/1.1 4"), status);
                }
            }

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
