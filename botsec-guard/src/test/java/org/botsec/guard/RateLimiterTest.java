package org.botsec.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Many threads, one hammered client and a flood of new ids, on a clock that a separate thread advances:
     * the hammered client is never granted more than {@code capacity + refillPerSecond * elapsed} (the token
     * bucket's defining bound), i.e. no eviction ever hands it a fresh bucket, and the number of buckets held
     * never exceeds {@code maxClients}.
     */
    @Test
    void manyThreadsNeverBeatTheBucketBound() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        long start = now.get();
        double capacity = 5;
        double refill = 5;
        int maxClients = 16;
        RateLimiter rl = new RateLimiter(new RateLimiter.Settings(capacity, refill, maxClients), now::get);
        AtomicInteger grantedToA = new AtomicInteger();
        AtomicInteger overCap = new AtomicInteger();
        AtomicInteger floodId = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    if (rl.tryAcquire("a")) {
                        grantedToA.incrementAndGet();
                    }
                }
            }));
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    rl.tryAcquire("flood-" + floodId.incrementAndGet());
                    if (rl.trackedClients() > maxClients) {
                        overCap.incrementAndGet();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        // 150 ticks of 1 s: every bucket is full again after each tick, so every bucket is a candidate for
        // eviction exactly while "a" is being hammered; at most 5 + 5 * 150 grants for "a".
        for (int i = 0; i < 150; i++) {
            now.addAndGet(1_000_000_000L);
            Thread.sleep(0, 200_000);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (now.get() - start) * 1e-9;
        double bound = capacity + refill * elapsed;
        assertTrue(grantedToA.get() <= bound + 1e-9, grantedToA.get() + " grants to one client, bound " + bound);
        assertTrue(grantedToA.get() >= capacity, "the bucket's burst was granted: " + grantedToA.get());
        assertEquals(0, overCap.get(), "more than maxClients buckets held");
        assertTrue(floodId.get() > maxClients, "the flood ran");
    }

    /** A flood of new ids while a client's bucket is empty: the client is still refused afterwards. */
    @Test
    void floodOfNewIdsNeverResetsAnActiveClient() throws Exception {
        AtomicLong now = new AtomicLong(0);
        RateLimiter rl = new RateLimiter(new RateLimiter.Settings(3, 1, 4), now::get);
        for (int i = 0; i < 3; i++) {
            assertTrue(rl.tryAcquire("a"));
        }
        assertFalse(rl.tryAcquire("a"));
        Thread[] ts = new Thread[8];
        for (int t = 0; t < ts.length; t++) {
            int base = t * 10_000;
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    rl.tryAcquire("new-" + (base + i));
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertFalse(rl.tryAcquire("a"), "the flood reset the empty bucket of an active client");
        assertTrue(rl.trackedClients() <= 4, rl.trackedClients() + " buckets held");
    }

    /** Generations of idle clients come and go: the exact bucket count must not leak upward. */
    @Test
    void expiredBucketsFreeTheirSlots() {
        AtomicLong now = new AtomicLong(0);
        RateLimiter rl = new RateLimiter(new RateLimiter.Settings(2, 1, 3), now::get);
        for (int gen = 0; gen < 200; gen++) {
            for (int c = 0; c < 3; c++) {
                assertTrue(rl.tryAcquire("g" + gen + "-" + c), "generation " + gen + " client " + c);
            }
            assertFalse(rl.tryAcquire("g" + gen + "-extra"), "a fourth client while three are active");
            // Each bucket is full again after 1 s; Caffeine's timer wheel reaps it within about another second.
            now.addAndGet(2_500_000_000L);
        }
        assertTrue(rl.trackedClients() <= 3);
    }

    /** A client returning after its entry expired (but before any clean-up) gets its slot back, not a second one. */
    @Test
    void aReturningClientReusesItsExpiredSlot() {
        AtomicLong now = new AtomicLong(0);
        RateLimiter rl = new RateLimiter(new RateLimiter.Settings(1, 1, 1), now::get);
        for (int i = 0; i < 200; i++) {
            assertTrue(rl.tryAcquire("a"), "round " + i);
            assertFalse(rl.tryAcquire("a"));
            now.addAndGet(1_500_000_000L);
        }
        assertEquals(1, rl.trackedClients());
        now.addAndGet(5_000_000_000L);
        assertTrue(rl.tryAcquire("b"), "the one slot was freed when a's bucket filled up");
    }

    @Test
    void settingsValidated() {
        assertThrows(BadInputException.class, () -> new RateLimiter.Settings(0, 1, 1));
        assertThrows(BadInputException.class, () -> new RateLimiter.Settings(1, -1, 1));
        assertThrows(BadInputException.class, () -> new RateLimiter.Settings(1, Double.NaN, 1));
        assertThrows(BadInputException.class, () -> new RateLimiter.Settings(1, 1, 0));
    }
}
