package org.botsec.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void histogramBucketsAreCumulativeCountsOfObservations() {
        Metrics m = new Metrics();
        SplittableRandom rnd = new SplittableRandom(7);
        long[] nanos = new long[500];
        double sum = 0;
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (long) Math.exp(rnd.nextDouble(Math.log(1e4), Math.log(3e10))); // 10 µs .. 30 s, log-uniform
            m.request("/v1/guard/input", 200, nanos[i]);
            sum += nanos[i] / 1e9;
        }
        Map<String, String> lines = new HashMap<>();
        for (String line : m.render().split("\n")) {
            if (!line.startsWith("#")) {
                int sp = line.lastIndexOf(' ');
                lines.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        // Oracle: count by brute force how many observations fall at or under each bound.
        for (double le : Metrics.BUCKETS) {
            long expected = 0;
            for (long n : nanos) {
                if (n / 1e9 <= le) {
                    expected++;
                }
            }
            String key = "botsec_http_request_duration_seconds_bucket{le=\"" + String.format(Locale.ROOT, "%s", le) + "\"}";
            assertEquals(Long.toString(expected), lines.get(key), key);
        }
        assertEquals("500", lines.get("botsec_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
        assertEquals("500", lines.get("botsec_http_request_duration_seconds_count"));
        assertEquals(sum, Double.parseDouble(lines.get("botsec_http_request_duration_seconds_sum")), 1e-6);
        assertEquals("500", lines.get("botsec_http_requests_total{endpoint=\"/v1/guard/input\",status=\"200\"}"));
        assertTrue(Long.parseLong(lines.get("botsec_http_request_duration_seconds_bucket{le=\"10.0\"}")) < 500,
                "some observations exceed the largest bucket");
    }

    @Test
    void verdictCountersAreLabelled() {
        Metrics m = new Metrics();
        m.verdict("input", "block");
        m.verdict("input", "block");
        m.verdict("output", "allow");
        String text = m.render();
        assertTrue(text.contains("botsec_guard_verdicts_total{direction=\"input\",verdict=\"block\"} 2\n"), text);
        assertTrue(text.contains("botsec_guard_verdicts_total{direction=\"output\",verdict=\"allow\"} 1\n"), text);
    }
}
