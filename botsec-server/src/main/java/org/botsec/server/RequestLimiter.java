package org.botsec.server;

import org.botsec.server.internal.TokenBucketLimiter;

/**
 * Decides whether a client may make one more request now. Implementations are thread-safe.
 */
@FunctionalInterface
public interface RequestLimiter {
    /** Takes one request's worth of budget for {@code clientId}; false means "answer 429". */
    boolean tryAcquire(String clientId);

    /** No limit. */
    static RequestLimiter unlimited() {
        return clientId -> true;
    }

    /**
     * A token bucket per client: {@code burst} requests at once, refilled at {@code requestsPerSecond}.
     *
     * @throws IllegalArgumentException when a rate or burst is not positive and finite
     */
    static RequestLimiter tokenBucket(double requestsPerSecond, int burst) {
        return new TokenBucketLimiter(requestsPerSecond, burst, System::nanoTime);
    }
}
