package org.botsec.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.botsec.core.BadInputException;

/**
 * Per-client token bucket (Turner 1986; the "token bucket" of RFC 2697 without colours): each client id
 * has a bucket of {@code capacity} tokens refilled at {@code refillPerSecond}; a request takes one token and
 * is refused when the bucket is empty. Bursts up to {@code capacity} pass, the long-run rate is bounded:
 * over any window of {@code t} seconds one client is granted at most {@code capacity + t * refillPerSecond}
 * requests.
 *
 * <p>Buckets live in a Caffeine cache. A bucket's entry expires exactly when its bucket would be full again,
 * so dropping it is indistinguishable from keeping it: eviction never hands an active client a fresh bucket.
 * Expired entries are found through Caffeine's timer wheel, not by scanning every bucket; the wheel's finest
 * slot is about a second, so a slot is handed to a new client up to about a second after its bucket filled
 * up (the owner's own next request sees the full bucket at once).
 *
 * <p><b>Security guarantees.</b> Thread-safe: the refill-and-take of one client is one atomic
 * {@code compute} on the cache. Memory is bounded: at most {@code maxClients} buckets are held (an exact
 * count, taken in the same atomic step as the insert); when all of them are in use a new client is refused
 * rather than letting a flood of random ids exhaust memory or push out the buckets of active clients. The
 * clock is injectable (monotonic nanoseconds) so that tests do not sleep.
 */
public final class RateLimiter {
    /** Longest expiry handed to Caffeine, so that {@code now + duration} cannot overflow. */
    private static final long MAX_EXPIRY_NANOS = Long.MAX_VALUE >> 2;

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

    /** Mutated only inside the cache's atomic {@code compute} for its key. */
    private static final class Bucket {
        double tokens;
        long lastNanos;
        long nanosUntilFull;

        Bucket(double tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final Cache<String, Bucket> buckets;
    private final AtomicInteger held = new AtomicInteger();

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
        this.buckets = Caffeine.newBuilder()
                .ticker(nanoClock::getAsLong)
                // Maintenance (expiry) runs on the calling thread: no background pool, deterministic in tests.
                .executor(Runnable::run)
                .expireAfter(new Expiry<String, Bucket>() {
                    @Override
                    public long expireAfterCreate(String key, Bucket b, long currentTime) {
                        return b.nanosUntilFull;
                    }

                    @Override
                    public long expireAfterUpdate(String key, Bucket b, long currentTime, long currentDuration) {
                        return b.nanosUntilFull;
                    }

                    @Override
                    public long expireAfterRead(String key, Bucket b, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                // Called synchronously, inside the atomic step that drops the entry (expiry only: nothing
                // else removes entries), so the count stays exact.
                .evictionListener((String key, Bucket b, com.github.benmanes.caffeine.cache.RemovalCause cause) -> held.decrementAndGet())
                .build();
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
        Decision d = take(clientId);
        if (d == null) {
            // Full: let Caffeine drop the entries that expired (buckets full again), then try once more.
            buckets.cleanUp();
            d = take(clientId);
        }
        return d != null ? d : new Decision(false, Duration.ofNanos((long) Math.min(MAX_EXPIRY_NANOS, 1e9 / settings.refillPerSecond())));
    }

    /** One atomic refill-and-take; null when the client is new and no bucket is free. */
    private Decision take(String clientId) {
        Decision[] out = new Decision[1];
        buckets.asMap().compute(clientId, (k, bucket) -> {
            // Read the clock inside the atomic step, after Caffeine read it to decide whether the old bucket
            // expired (was full again): a time read before the step can be older than that, and a fresh full
            // bucket dated then would refill from too early and grant more than capacity + rate x time.
            long now = nanoClock.getAsLong();
            if (bucket == null) {
                if (!reserveSlot()) {
                    return null;
                }
                bucket = new Bucket(settings.capacity(), now);
            }
            refill(bucket, now);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                out[0] = new Decision(true, Duration.ZERO);
            } else {
                double missing = 1 - bucket.tokens;
                out[0] = new Decision(false, Duration.ofNanos((long) Math.min(MAX_EXPIRY_NANOS,
                        Math.ceil(missing / settings.refillPerSecond() * 1e9))));
            }
            bucket.nanosUntilFull = Math.max(1, (long) Math.min(MAX_EXPIRY_NANOS,
                    Math.ceil((settings.capacity() - bucket.tokens) / settings.refillPerSecond() * 1e9)));
            return bucket;
        });
        return out[0];
    }

    /** Takes one of the {@code maxClients} slots; the count never exceeds the limit, not even briefly. */
    private boolean reserveSlot() {
        while (true) {
            int n = held.get();
            if (n >= settings.maxClients()) {
                return false;
            }
            if (held.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Number of client buckets currently held. */
    public int trackedClients() {
        return held.get();
    }

    private void refill(Bucket bucket, long now) {
        long elapsed = now - bucket.lastNanos;
        if (elapsed > 0) {
            bucket.tokens = Math.min(settings.capacity(), bucket.tokens + elapsed * 1e-9 * settings.refillPerSecond());
            bucket.lastNanos = now;
        }
    }
}
