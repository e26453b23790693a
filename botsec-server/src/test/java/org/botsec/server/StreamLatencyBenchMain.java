package org.botsec.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardPipeline;

/**
 * What incremental stream scanning costs a client (not a test). A fake upstream on loopback streams an answer of
 * {@code EVENTS} events of 5 characters, one every {@code INTERVAL_MS} (a fast model: 200 events/s); the client
 * reads it once directly from the upstream (the baseline, same process) and once through the gateway with
 * {@link GuardPipeline#defaults()}, and records when each character arrives. Printed: the delay of each
 * character behind the moment the upstream wrote it (p50, p99), for both, and the guard's time per window scan
 * (a window of context + hold-back + one event). Usage: {@code StreamLatencyBenchMain [EVENTS] [INTERVAL_MS] [ROUNDS]}.
 */
public final class StreamLatencyBenchMain {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamLatencyBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int intervalMs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        long[] sentAt = new long[events * 5];
        HttpServer up = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        up.setExecutor(Executors.newFixedThreadPool(2));
        up.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream os = ex.getResponseBody()) {
                for (int i = 0; i < events; i++) {
                    String piece = "w" + (char) ('a' + i % 26) + "rd ";
                    long now = System.nanoTime(); // before the write: the client may read it before the next line runs
                    for (int k = 0; k < 5; k++) {
                        sentAt[i * 5 + k] = now;
                    }
                    os.write(("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                            + "\"delta\":{\"content\":\"" + piece + "\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
                    os.flush();
                    Thread.sleep(intervalMs);
                }
                os.write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
                        .getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        up.start();
        URI upstream = URI.create("http://127.0.0.1:" + up.getAddress().getPort() + "/v1");
        GuardPipeline guard = GuardPipeline.defaults();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (GatewayServer gw = GatewayServer.builder().guard(guard).port(0).upstream(upstream).shutdownGrace(Duration.ZERO).build().start()) {
            URI direct = upstream.resolve("/v1/chat/completions");
            URI viaGateway = gw.baseUri().resolve("/v1/chat/completions");
            for (int r = 0; r < rounds; r++) {
                double[] d = delays(client, direct, sentAt);
                double[] g = delays(client, viaGateway, sentAt);
                System.out.printf(Locale.ROOT, "round %d: %d events of 5 chars every %d ms | direct p50 %.2f ms p99 %.2f ms | "
                                + "gateway p50 %.1f ms p99 %.1f ms (hold-back %d chars = %.0f ms at this rate)%n", r, events, intervalMs,
                        pct(d, 50), pct(d, 99), pct(g, 50), pct(g, 99), GatewayServer.DEFAULT_STREAM_HOLD_BACK,
                        GatewayServer.DEFAULT_STREAM_HOLD_BACK / 5.0 * intervalMs);
            }
        } finally {
            up.stop(0);
        }
        // The guard's cost per event: one window scan of context + hold-back + one 5-character event.
        // Ordinary answer text (FakeUpstreamMain.ANSWER): its digits and words make the PII pre-filters look closer.
        String window = FakeUpstreamMain.ANSWER.substring(300, 300 + GatewayServer.DEFAULT_STREAM_CONTEXT + GatewayServer.DEFAULT_STREAM_HOLD_BACK + 5);
        double[] scan = new double[5000];
        for (int i = 0; i < 5000 + scan.length; i++) {
            long t0 = System.nanoTime();
            guard.scan(window, Direction.OUTPUT);
            if (i >= 5000) {
                scan[i - 5000] = (System.nanoTime() - t0) / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "window scan (%d chars, default guard, output): p50 %.3f ms p99 %.3f ms%n", window.length(),
                pct(scan, 50), pct(scan, 99));
    }

    /** The delay of each character behind its upstream write, in ms. */
    private static double[] delays(HttpClient client, URI uri, long[] sentAt) throws Exception {
        HttpResponse<java.io.InputStream> r = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        double[] d = new double[sentAt.length];
        int pos = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data: {")) {
                    continue;
                }
                long now = System.nanoTime();
                JsonNode c = JSON.readTree(line.substring(6)).path("choices").path(0).path("delta").path("content");
                for (int k = 0; k < c.asText("").length() && pos < d.length; k++, pos++) {
                    d[pos] = (now - sentAt[pos]) / 1e6;
                }
            }
        }
        if (pos != d.length) {
            throw new IllegalStateException("received " + pos + " of " + d.length + " characters");
        }
        return d;
    }

    private static double pct(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
    }
}
