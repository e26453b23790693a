package org.botsec.server;

import java.util.List;
import org.botsec.guard.Action;
import org.botsec.guard.Guard;
import org.botsec.guard.GuardPipeline;
import org.botsec.guard.Verdict;

/**
 * Starts a gateway on 127.0.0.1 for the benchmark in {@code botsec-server/bench/} (not a test). With
 * {@code noop} the guard allows everything without looking, which isolates the gateway's own cost (HTTP,
 * JSON, checks, metrics) from the scanners'; {@code default} uses {@link GuardPipeline#defaults()}.
 * With a third argument, the OpenAI-compatible base URL of an upstream ({@link FakeUpstreamMain}), the chat proxy
 * forwards to it. Usage: {@code GatewayBenchMain PORT noop|default [UPSTREAM_URL]}.
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
        GatewayServer.Builder b = GatewayServer.builder().guard(guard).host("127.0.0.1").port(port);
        if (args.length > 2) {
            b.upstream(java.net.URI.create(args[2]));
        }
        try (GatewayServer gw = b.build().start()) {
            System.out.println("listening on " + gw.baseUri());
            gw.join();
        }
    }
}
