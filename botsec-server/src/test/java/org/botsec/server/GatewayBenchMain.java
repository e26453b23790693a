package org.botsec.server;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Guard;
import org.botsec.guard.GuardPipeline;
import org.botsec.guard.Verdict;

/**
 * Starts a gateway on 127.0.0.1 for the benchmark in {@code botsec-server/bench/} (not a test). With
 * {@code noop} the guard allows everything without looking, which isolates the gateway's own cost (HTTP,
 * JSON, checks, metrics) from the scanners'; {@code default} uses {@link GuardPipeline#defaults()}.
 * With a third argument, the OpenAI-compatible base URL of an upstream ({@link FakeUpstreamMain}), the chat proxy
 * forwards to it. Usage: {@code GatewayBenchMain PORT noop|default [UPSTREAM_URL]}.
 *
 * <p>The guard is wrapped in a meter of the scanning thread's CPU time per direction, so that the gateway's own CPU
 * per request can be told apart from the guard's: on {@code SIGWINCH} (unused by the JVM, which takes {@code SIGUSR2} for itself) the running totals are printed to standard
 * output (the bench script signals before and after its measured run and takes the difference).
 */
public final class GatewayBenchMain {
    private GatewayBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Guard guard = switch (args[1]) {
            case "noop" -> (text, direction) -> new Verdict(Action.ALLOW, text, List.of(), List.of());
            case "default" -> GuardPipeline.defaults();
            default -> throw new IllegalArgumentException("guard must be noop or default, got " + args[1]);
        };
        MeteredGuard metered = new MeteredGuard(guard);
        sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> metered.print());
        GatewayServer.Builder b = GatewayServer.builder().guard(metered).host("127.0.0.1").port(port);
        if (args.length > 2) {
            b.upstream(java.net.URI.create(args[2]));
        }
        try (GatewayServer gw = b.build().start()) {
            System.out.println("listening on " + gw.baseUri());
            gw.join();
        }
    }

    /** Sums the thread CPU time of every scan, per direction, since start. */
    private static final class MeteredGuard implements Guard {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private final Guard guard;
        private final LongAdder[] nanos = {new LongAdder(), new LongAdder()};
        private final LongAdder[] calls = {new LongAdder(), new LongAdder()};

        MeteredGuard(Guard guard) {
            this.guard = guard;
        }

        @Override
        public Verdict scan(String text, Direction direction) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            try {
                return guard.scan(text, direction);
            } finally {
                nanos[direction.ordinal()].add(THREADS.getCurrentThreadCpuTime() - t0);
                calls[direction.ordinal()].increment();
            }
        }

        void print() {
            // one write per line: standard error (the request log) goes to the same file
            for (Direction d : Direction.values()) {
                String line = String.format(Locale.ROOT, "guard_cpu %s %d %d%n", d.name().toLowerCase(Locale.ROOT),
                        calls[d.ordinal()].sum(), nanos[d.ordinal()].sum());
                System.out.print(line);
                System.out.flush();
            }
        }
    }
}
