package org.botsec.guard;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.botsec.core.BadInputException;

/**
 * Per-client token bucket (Turner 1986; the "token bucket" of RFC 2697 without colours): each client id
 * has a bucket of {@code capacity} tokens refilled at {@code refillPerSecond}; a request takes one token and
 * is refused when the bucket is empty. Bursts up to {@code capacity} pass, the long-run rate is bounded.
 *
 * <p><b>Security guarantees.</b> Thread-safe (one lock per client bucket). Memory is bounded: at most
 * {@code maxClients} buckets are kept; idle buckets (full again) are dropped first, and when all are busy a
 * new client is refused rather than letting a flood of random ids exhaust memory. The clock is injectable
 * (monotonic nanoseconds) so that tests do not sleep.
 */
public final class RateLimiter {
    /** The outcome of one request: allowed or not, and how long until a token is available. */
    public record Decision(boolean allowed, Duration retryAfter) {
    }

    /** Bucket settings. */
    public record Settings(double capacity, double refillPerSecond, int maxClients) {
        public Settings {
            if (!(capacity >= 1) || Double.isInfinite(capacity)) {
                throw BadInputException.of("capacity must be >= 1 and finite, got %s", capacity);
            }
            if (!(refillPerSecond > 0) || Double.isInfinite(refillPerSecond)) {
                throw BadInputException.of("refillPerSecond must be > 0 and finite, got %s", refillPerSecond);
            }
            if (maxClients < 1) {
                throw BadInputException.of("maxClients must be >= 1, got %d", maxClients);
            }
        }
    }

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(Settings settings) {
        this(settings, System::nanoTime);
    }

    /** @param nanoClock monotonic time in nanoseconds, e.g. {@code System::nanoTime} */
    public RateLimiter(Settings settings, LongSupplier nanoClock) {
        if (settings == null || nanoClock == null) {
            throw new BadInputException("settings and nanoClock must not be null");
        }
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    public Settings settings() {
        return settings;
    }

    /** Takes one token for {@code clientId} if there is one. */
    public boolean tryAcquire(String clientId) {
        return check(clientId).allowed();
    }

    /** Takes one token for {@code clientId} if there is one, and says when to retry if not. */
    public Decision check(String clientId) {
        if (clientId == null) {
            throw new BadInputException("clientId must not be null");
        }
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.get(clientId);
        if (bucket == null) {
            if (buckets.size() >= settings.maxClients()) {
                evictIdle(now);
                if (buckets.size() >= settings.maxClients()) {
                    return new Decision(false, Duration.ofNanos((long) (1e9 / settings.refillPerSecond())));
                }
            }
            bucket = buckets.computeIfAbsent(clientId, k -> new Bucket(settings.capacity(), now));
        }
        synchronized (bucket) {
            refill(bucket, now);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return new Decision(true, Duration.ZERO);
            }
            double missing = 1 - bucket.tokens;
            return new Decision(false, Duration.ofNanos((long) Math.ceil(missing / settings.refillPerSecond() * 1e9)));
        }
    }

    /** Number of client buckets currently held. */
    public int trackedClients() {
        return buckets.size();
    }

    private void refill(Bucket bucket, long now) {
        long elapsed = now - bucket.lastNanos;
        if (elapsed > 0) {
            bucket.tokens = Math.min(settings.capacity(), bucket.tokens + elapsed * 1e-9 * settings.refillPerSecond());
            bucket.lastNanos = now;
        }
    }

    private void evictIdle(long now) {
        for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            Bucket b = it.next().getValue();
            synchronized (b) {
                refill(b, now);
                if (b.tokens >= settings.capacity()) {
                    it.remove();
                }
            }
        }
    }
}
