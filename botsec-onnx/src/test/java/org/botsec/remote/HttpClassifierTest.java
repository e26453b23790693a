package org.botsec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.botsec.core.BadInputException;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP classifier against a small loopback server whose answers are computed in the test (a fixed linear
 * model: p(class 1) = sigmoid(x0 - x1)), so every probability, row count and request count has an oracle.
 */
class HttpClassifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicInteger rowsSeen = new AtomicInteger();
    private final AtomicInteger requestsSeen = new AtomicInteger();
    /** What the server does with the next requests: "ok", "html", "slow", "503-once", "401". */
    private final AtomicReference<String> mode = new AtomicReference<>("ok");
    private final AtomicReference<String> lastAuth = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/predict", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        requestsSeen.incrementAndGet();
        lastAuth.set(ex.getRequestHeaders().getFirst("X-Api-Key"));
        JsonNode body = JSON.readTree(ex.getRequestBody());
        String m = mode.get();
        if (m.equals("503-once")) {
            mode.set("ok");
            reply(ex, 503, "application/json", "{}");
            return;
        }
        if (m.equals("401")) {
            reply(ex, 401, "application/json", "{\"error\": \"no\"}");
            return;
        }
        if (m.equals("html")) {
            reply(ex, 200, "text/html", "<html><body>Service Unavailable</body></html>");
            return;
        }
        if (m.equals("slow")) {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        JsonNode rows = body.get("inputs").get("instances");
        rowsSeen.addAndGet(rows.size());
        ObjectNode out = JSON.createObjectNode();
        ArrayNode probs = out.putObject("result").putArray("scores");
        for (JsonNode r : rows) {
            double p = 1 / (1 + Math.exp(-(r.get(0).asDouble() - r.get(1).asDouble())));
            probs.addArray().add(1 - p).add(p);
        }
        reply(ex, 200, "application/json; charset=utf-8", out.toString());
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    /** Generous: the build machine is shared; the slow-endpoint test sets it lower. */
    private int timeoutMs = 5000;

    private Path mapping(String extra) throws IOException {
        Path p = dir.resolve("m.endpoint.json");
        Files.writeString(p, "{\"format\": \"botsec-remote/1\", \"url\": \"http://127.0.0.1:"
                + server.getAddress().getPort() + "/predict\", \"request\": {\"inputs\": {\"instances\": \"${rows}\"}},"
                + " \"probabilities\": \"/result/scores\", \"class_names\": [\"no\", \"yes\"], \"num_features\": 2,"
                + " \"batch_size\": 16, \"timeout_ms\": " + timeoutMs + ", \"retries\": 1, \"backoff_ms\": 10" + extra + "}");
        return p;
    }

    private static Matrix rows(int n) {
        Matrix x = new Matrix(n, 2);
        for (int i = 0; i < n; i++) {
            x.set(i, 0, i * 0.1);
            x.set(i, 1, 1 - i * 0.05);
        }
        return x;
    }

    @Test
    void predictsThroughTheMappingAndCountsQueries() throws IOException {
        HttpClassifier c = (HttpClassifier) ModelFiles.load(mapping("")); // found by the --model service
        Matrix x = rows(40);
        Matrix p = c.predictProba(x);
        for (int i = 0; i < 40; i++) {
            assertEquals(1 / (1 + Math.exp(-(x.get(i, 0) - x.get(i, 1)))), p.get(i, 1), 1e-15);
        }
        assertEquals(new QueryCount(40, 3, 0, java.util.OptionalLong.empty()), c.queries()); // 16 + 16 + 8
        assertEquals(40, rowsSeen.get());
    }

    @Test
    void budgetIsExactAndNeverExceeded() throws IOException {
        HttpClassifier c = (HttpClassifier) ModelFiles.load(mapping(", \"max_queries\": 50"));
        c.predictProba(rows(40));
        QueryBudgetExceededException e = assertThrows(QueryBudgetExceededException.class,
                () -> c.predictProba(rows(16)));
        assertTrue(e.getMessage().contains("40 of 50 queries used, the next request needs 16 more"), e.getMessage());
        c.predictProba(rows(10)); // exactly up to the budget is allowed
        assertEquals(50, c.queries().queries());
        assertEquals(50, rowsSeen.get());
        assertThrows(QueryBudgetExceededException.class, () -> c.predictProba(rows(1)));
        assertEquals(50, rowsSeen.get());
    }

    @Test
    void htmlAnswerIsOneClearLine() throws IOException {
        mode.set("html");
        HttpClassifier c = HttpClassifier.load(mapping(""));
        BadInputException e = assertThrows(BadInputException.class, () -> c.predictProba(rows(2)));
        assertTrue(e.getMessage().contains("answered text/html, not JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("Service Unavailable"), "no response text in messages");
    }

    @Test
    void timeoutIsRetriedThenOneClearLine() throws IOException {
        mode.set("slow");
        timeoutMs = 300;
        HttpClassifier c = HttpClassifier.load(mapping(""));
        BadInputException e = assertThrows(BadInputException.class, () -> c.predictProba(rows(2)));
        assertTrue(e.getMessage().contains("timed out after 300 ms (2 attempts)"), e.getMessage());
        assertEquals(1, c.queries().retries());
        assertEquals(4, c.queries().queries()); // the endpoint may have seen both attempts
    }

    @Test
    void serverErrorIsRetriedWithBackOff() throws IOException {
        mode.set("503-once");
        HttpClassifier c = HttpClassifier.load(mapping(""));
        Matrix p = c.predictProba(rows(3));
        assertEquals(3, p.rows());
        assertEquals(1, c.queries().retries());
        assertEquals(2, c.queries().requests());
    }

    @Test
    void clientErrorIsNotRetried() throws IOException {
        mode.set("401");
        HttpClassifier c = HttpClassifier.load(mapping(""));
        BadInputException e = assertThrows(BadInputException.class, () -> c.predictProba(rows(1)));
        assertTrue(e.getMessage().contains("answered HTTP 401"), e.getMessage());
        assertEquals(1, requestsSeen.get());
    }

    @Test
    void authHeaderComesFromTheEnvironment() throws IOException {
        EndpointMapping m = EndpointMapping.load(mapping(", \"auth\": {\"header\": \"X-Api-Key\", \"env\": \"MY_KEY\"}"));
        HttpClassifier c = HttpClassifier.of(m, Map.of("MY_KEY", "s3cret")::get);
        c.predictProba(rows(1));
        assertEquals("s3cret", lastAuth.get());
        BadInputException e = assertThrows(BadInputException.class, () -> HttpClassifier.of(m, k -> null));
        assertTrue(e.getMessage().contains("environment variable MY_KEY"), e.getMessage());
        assertFalse(c.toString().contains("s3cret"));
    }

    @Test
    void rateLimitSpacesRequests() throws IOException {
        HttpClassifier c = HttpClassifier.load(mapping(", \"rate_limit_per_second\": 20"));
        long t0 = System.nanoTime();
        c.predictProba(rows(16 * 5)); // five requests: at least four intervals of 50 ms
        assertTrue(System.nanoTime() - t0 >= 200_000_000L);
        assertEquals(5, requestsSeen.get());
    }

    @Test
    void badMappingsAreOneLine() throws IOException {
        for (String[] c : List.of(
                new String[] {"{\"format\": \"x\"}", "\"format\" must be"},
                new String[] {"{\"format\": \"botsec-remote/1\", \"url\": \"ftp://h/x\"}", "url must be http(s)"},
                new String[] {"{\"format\": \"botsec-remote/1\", \"url\": \"http://h/x\", \"request\": {}}",
                    "exactly one"},
                new String[] {"{\"format\": \"botsec-remote/1\", \"urll\": 1}", "unknown key 'urll'"})) {
            Path p = dir.resolve("bad.endpoint.json");
            Files.writeString(p, c[0]);
            BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(p));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
