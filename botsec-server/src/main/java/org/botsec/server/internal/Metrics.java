package org.botsec.server.internal;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Gateway counters and a latency histogram, rendered in the Prometheus text exposition format 0.0.4. Label
 * values come from a fixed set (endpoints, status codes, verdicts), so the number of series is bounded.
 */
public final class Metrics {
    /** Histogram upper bounds in seconds. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    // Two-level maps: the hot path looks counters up without building a label string per request.
    private final ConcurrentHashMap<String, ConcurrentHashMap<Integer, LongAdder>> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>> verdicts = new ConcurrentHashMap<>();
    private final LongAdder[] bucketCounts = new LongAdder[BUCKETS.length];
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    public Metrics() {
        for (int i = 0; i < bucketCounts.length; i++) {
            bucketCounts[i] = new LongAdder();
        }
    }

    /** Counts one finished request. {@code endpoint} must be one of the gateway's fixed labels. */
    public void request(String endpoint, int status, long nanos) {
        requests.computeIfAbsent(endpoint, k -> new ConcurrentHashMap<>()).computeIfAbsent(status, k -> new LongAdder()).increment();
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                bucketCounts[i].increment();
                break;
            }
        }
        count.increment();
        sum.add(seconds);
    }

    /** Counts one guard verdict. */
    public void verdict(String direction, String verdict) {
        verdicts.computeIfAbsent(direction, k -> new ConcurrentHashMap<>()).computeIfAbsent(verdict, k -> new LongAdder()).increment();
    }

    /** The current values in Prometheus text format. */
    public String render() {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("# HELP botsec_http_requests_total HTTP requests by endpoint and status code.\n");
        sb.append("# TYPE botsec_http_requests_total counter\n");
        for (Map.Entry<String, LongAdder> e : labelled(requests, "endpoint", "status").entrySet()) {
            sb.append("botsec_http_requests_total{").append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
        }
        sb.append("# HELP botsec_guard_verdicts_total Guard verdicts by direction and verdict.\n");
        sb.append("# TYPE botsec_guard_verdicts_total counter\n");
        for (Map.Entry<String, LongAdder> e : labelled(verdicts, "direction", "verdict").entrySet()) {
            sb.append("botsec_guard_verdicts_total{").append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
        }
        sb.append("# HELP botsec_http_request_duration_seconds Time to answer a request, in seconds.\n");
        sb.append("# TYPE botsec_http_request_duration_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += bucketCounts[i].sum();
            sb.append("botsec_http_request_duration_seconds_bucket{le=\"").append(format(BUCKETS[i])).append("\"} ")
                    .append(cumulative).append('\n');
        }
        long total = count.sum();
        sb.append("botsec_http_request_duration_seconds_bucket{le=\"+Inf\"} ").append(Math.max(total, cumulative)).append('\n');
        sb.append("botsec_http_request_duration_seconds_sum ").append(format(sum.sum())).append('\n');
        sb.append("botsec_http_request_duration_seconds_count ").append(Math.max(total, cumulative)).append('\n');
        return sb.toString();
    }

    /** Flattens a two-level map into {@code a="x",b="y"} label strings, sorted. */
    private static <K> TreeMap<String, LongAdder> labelled(Map<String, ? extends Map<K, LongAdder>> map, String a, String b) {
        TreeMap<String, LongAdder> out = new TreeMap<>();
        map.forEach((x, inner) -> inner.forEach((y, v) -> out.put(a + "=\"" + x + "\"," + b + "=\"" + y + "\"", v)));
        return out;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%s", v);
    }
}
