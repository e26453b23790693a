package org.botsec.server.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.botsec.server.RequestLimiter;

/**
 * One token bucket per client id (Turner, "New directions in communications", IEEE Comm. 1986, the classic
 * token-bucket shaper): capacity {@code burst}, refill {@code rate} tokens per second. At most
 * {@link #MAX_CLIENTS} buckets are kept; when full, idle (fully refilled) buckets are dropped first.
 */
public final class TokenBucketLimiter implements RequestLimiter {
    static final int MAX_CLIENTS = 100_000;
    private final double ratePerNano;
    private final int burst;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }
    }

    public TokenBucketLimiter(double requestsPerSecond, int burst, LongSupplier nanoClock) {
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond must be > 0 and finite, got " + requestsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1, got " + burst);
        }
        this.ratePerNano = requestsPerSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    @Override
    public boolean tryAcquire(String clientId) {
        long now = nanoClock.getAsLong();
        if (buckets.size() >= MAX_CLIENTS && !buckets.containsKey(clientId)) {
            evictIdle(now);
        }
        Bucket b = buckets.computeIfAbsent(clientId, k -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.last) * ratePerNano);
            b.last = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private void evictIdle(long now) {
        buckets.entrySet().removeIf(e -> {
            Bucket b = e.getValue();
            synchronized (b) {
                return b.tokens + (now - b.last) * ratePerNano >= burst;
            }
        });
        if (buckets.size() >= MAX_CLIENTS) {
            buckets.clear(); // all busy: forget rather than grow without bound
        }
    }
}
