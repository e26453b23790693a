package org.botsec.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The request log line carries fixed labels and numbers only, whatever the client sent. */
class AccessLineTest {
    @Test
    void knownRequestsAreLoggedWithTheirEndpointStatusAndLatency() {
        assertEquals("method=POST path=/v1/guard/input status=200 latency_ms=1.234 bytes=312",
                GatewayHandler.accessLine("POST", "/v1/guard/input", 200, 1_234_567, 312));
        assertEquals("method=GET path=/metrics status=401 latency_ms=0.005 bytes=90",
                GatewayHandler.accessLine("GET", "/metrics", 401, 5_000, 90));
        assertEquals("method=POST path=/v1/chat/completions status=200 latency_ms=2501.000 bytes=0",
                GatewayHandler.accessLine("POST", "/v1/chat/completions", 200, 2_501_000_000L, 0));
    }

    @Test
    void clientChosenTextNeverReachesTheLine() {
        // A method or path that carries user text (an e-mail, a key) is logged as a fixed label.
        assertEquals("method=OTHER path=other status=404 latency_ms=0.010 bytes=60",
                GatewayHandler.accessLine("X-alice@example.com", "/v1/guard/input?key=sk-secret", 404, 10_000, 60));
    }
}
