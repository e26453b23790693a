package org.botsec.guard.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;

/**
 * Durable appends per second with 1 and with 8 threads on a temporary file, and their ratio (the 1-thread run
 * is the in-process baseline: before group commit, 8 threads could do no better than 1). Not a test.
 * Usage: {@code AuditLogBenchMain [seconds-per-run] [dir]}.
 */
public final class AuditLogBenchMain {
    private AuditLogBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("audit-bench");
        AuditSigningKey key = AuditSigningKey.generate();
        run(dir, key, 1, seconds / 3); // warm-up
        double one = run(dir, key, 1, seconds);
        double eight = run(dir, key, 8, seconds);
        System.out.printf(Locale.ROOT, "1 thread: %.0f records/s%n8 threads: %.0f records/s%nratio 8/1: %.2f%n", one, eight, eight / one);
    }

    private static double run(Path dir, AuditSigningKey key, int threads, double seconds) throws Exception {
        Path f = Files.createTempFile(dir, "audit", ".jsonl");
        Files.delete(f);
        Verdict v = new Verdict(Action.ALLOW, "x", List.of(), List.of());
        AtomicLong count = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long t0;
        long t1;
        try (AuditLog log = AuditLog.open(f, key, 100, Clock.systemUTC())) {
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                ts[t] = new Thread(() -> {
                    for (long i = 0; !stop.get() && i < 50_000_000L; i++) {
                        log.append(Direction.INPUT, v, "benchmark message " + i, "scan");
                        count.incrementAndGet();
                    }
                });
            }
            t0 = System.nanoTime();
            for (Thread t : ts) {
                t.start();
            }
            Thread.sleep((long) (seconds * 1000));
            stop.set(true);
            for (Thread t : ts) {
                t.join();
            }
            t1 = System.nanoTime();
        }
        if (!AuditLog.verify(f, key.exportPublicKeyJson()).valid()) {
            throw new IllegalStateException("benchmark log does not verify");
        }
        Files.delete(f);
        return count.get() / ((t1 - t0) * 1e-9);
    }
}
