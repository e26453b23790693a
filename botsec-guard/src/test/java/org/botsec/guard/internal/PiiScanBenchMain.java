package org.botsec.guard.internal;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.botsec.guard.Direction;

/**
 * In-process latency of the PII scanner on 1 KB chat messages: p50/p99 per scan for the home-region-only
 * phone reader (the previous behaviour) beside the default scanner, measured in the same process, in
 * alternating rounds after a warm-up. Prints ratios; timings are wall-clock on a shared machine.
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
        PiiScanner homeOnly = new PiiScanner(EnumSet.allOf(PiiScanner.Type.class), List.of("US"));
        PiiScanner defaults = PiiScanner.all();
        for (String m : MESSAGES) {
            System.out.printf(Locale.ROOT, "message of %d chars%n", m.length());
        }
        for (int warm = 0; warm < 300; warm++) {
            for (String m : MESSAGES) {
                homeOnly.scan(m, Direction.INPUT);
                defaults.scan(m, Direction.INPUT);
            }
        }
        long[] a = new long[iterations * MESSAGES.length];
        long[] b = new long[iterations * MESSAGES.length];
        int k = 0;
        for (int i = 0; i < iterations; i++) {
            for (String m : MESSAGES) {
                long t0 = System.nanoTime();
                homeOnly.scan(m, Direction.INPUT);
                long t1 = System.nanoTime();
                defaults.scan(m, Direction.INPUT);
                long t2 = System.nanoTime();
                a[k] = t1 - t0;
                b[k++] = t2 - t1;
            }
        }
        report("home region only (US)", a);
        report("default scanner", b);
        Arrays.sort(a);
        Arrays.sort(b);
        System.out.printf(Locale.ROOT, "p99 ratio default/home-only: %.2f%n", pct(b, 0.99) / (double) pct(a, 0.99));
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
