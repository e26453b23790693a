package org.botsec.guard.internal;

import java.util.Arrays;
import java.util.Locale;
import org.botsec.guard.Direction;

/**
 * In-process latency of the default PII scanner ({@link PiiScanner#all()}) on ~1 KB chat messages: p50 and p99
 * per scan after a warm-up. Run it once with the classes of the previous build first on the class path and
 * once with the current ones (docs/guard.md gives both commands); timings are wall-clock on a shared machine.
 *
 * <p>Usage: {@code PiiScanBenchMain [iterations]}
 */
public final class PiiScanBenchMain {
    private PiiScanBenchMain() {
    }

    static final String[] MESSAGES = {
        "Hi team, following up on yesterday's call. ".repeat(6)
            + "You can reach me on +44 20 7946 0958 or jane.doe@example.com; my colleague marco rossi from milano "
            + "will join. The invoice 2026-11-0042 covers 14 items at 35.50 EUR. Regards, Jane. "
            + "Please send the contract to our office in Lyon before Friday and copy the legal team. ".repeat(4),
        "Can you summarise this article for me? The committee met on 3 March 2026 and agreed on a budget of 1.2 million "
            + "for the new library. Work starts in spring; the architects expect it to take eighteen months. ".repeat(5),
        "Name: Sofia Lindqvist\nPhone: 070-123 45 67\nAddress: Storgatan 12, 114 55 Stockholm\nCard: 4111 1111 1111 1111\n"
            + "Notes: customer asked about the delivery date and wants a call back after 3 pm on weekdays. ".repeat(9),
    };

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        PiiScanner scanner = PiiScanner.all();
        for (int warm = 0; warm < 300; warm++) {
            for (String m : MESSAGES) {
                scanner.scan(m, Direction.INPUT);
            }
        }
        long[] ns = new long[iterations * MESSAGES.length];
        int k = 0;
        for (int i = 0; i < iterations; i++) {
            for (String m : MESSAGES) {
                long t0 = System.nanoTime();
                scanner.scan(m, Direction.INPUT);
                ns[k++] = System.nanoTime() - t0;
            }
        }
        report("PiiScanner.all(), " + MESSAGES.length + " messages of 581-937 chars", ns);
    }

    private static void report(String name, long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%-24s p50 %8.1f us   p99 %8.1f us%n", name, pct(s, 0.5) / 1e3, pct(s, 0.99) / 1e3);
    }

    private static long pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
