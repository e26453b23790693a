package org.botsec.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;

/** Token-bucket arithmetic against a hand-driven clock (no sleeping). */
class RateLimiterTest {
    @Test
    void burstThenRefill() {
        AtomicLong now = new AtomicLong(0);
        RateLimiter rl = new RateLimiter(new RateLimiter.Settings(3, 2, 100), now::get);
        assertTrue(rl.tryAcquire("a"));
        assertTrue(rl.tryAcquire("a"));
        assertTrue(rl.tryAcquire("a"));
        RateLimiter.Decision d = rl.check("a");
        assertFalse(d.allowed());
        assertEquals(Duration.ofMillis(500), d.retryAfter());
        assertTrue(rl.tryAcquire("b"), "clients are independent");
        now.addAndGet(499_000_000L);
        assertFalse(rl.tryAcquire("a"));
        now.addAndGet(1_000_000L);
        assertTrue(rl.tryAcquire("a"));
        now.addAndGet(10_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertTrue(rl.tryAcquire("a"), "refill is capped at capacity");
        }
        assertFalse(rl.tryAcquire("a"));
    }

    @Test
    void boundedClients() {
        AtomicLong now = new AtomicLong(0);
        RateLimiter rl = new RateLimiter(new RateLimiter.Settings(1, 1, 2), now::get);
        assertTrue(rl.tryAcquire("a"));
        assertTrue(rl.tryAcquire("b"));
        assertFalse(rl.tryAcquire("c"), "all buckets busy: new client refused");
        now.addAndGet(2_000_000_000L);
        assertTrue(rl.tryAcquire("c"), "idle buckets are evicted");
        assertTrue(rl.trackedClients() <= 2);
    }

    @Test
    void concurrentAcquiresNeverExceedCapacity() throws Exception {
        RateLimiter rl = new RateLimiter(new RateLimiter.Settings(100, 1e-9, 10), () -> 0L);
        AtomicInteger ok = new AtomicInteger();
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    if (rl.tryAcquire("x")) {
                        ok.incrementAndGet();
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(100, ok.get());
    }

    @Test
    void settingsValidated() {
        assertThrows(BadInputException.class, () -> new RateLimiter.Settings(0, 1, 1));
        assertThrows(BadInputException.class, () -> new RateLimiter.Settings(1, -1, 1));
        assertThrows(BadInputException.class, () -> new RateLimiter.Settings(1, Double.NaN, 1));
        assertThrows(BadInputException.class, () -> new RateLimiter.Settings(1, 1, 0));
    }
}
