package org.botsec.server;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A fake OpenAI-compatible upstream on 127.0.0.1 for the chat benchmark in {@code botsec-server/bench/} (not a
 * test): answers every {@code POST /v1/chat/completions} at once with the same completion, a 1,006-character
 * assistant message. Usage: {@code FakeUpstreamMain PORT}.
 */
public final class FakeUpstreamMain {
    /** About 1 KB of ordinary customer-service answer (no personal data, so the guard lets it through). */
    static final String ANSWER = "Thank you for getting in touch about your order. I have checked the shipment and can see that the "
            + "parcel left our warehouse on Tuesday and was handed to the courier the same afternoon. The tracking page has "
            + "not been updated since then, which usually means the parcel is waiting at a regional depot for the next "
            + "scan. In most cases it moves again within two working days. If there is still no update by Friday, we will "
            + "open an investigation with the courier and, if the parcel cannot be found, send you a refund to the original "
            + "payment method. You do not need to do anything for this; we will write to you as soon as we hear back. About "
            + "the size on the invoice: the shoes were packed in the size you ordered, and the invoice line is a known "
            + "printing mistake that we are fixing. If the shoes do turn out to be the wrong size, you can return them free "
            + "of charge within thirty days using the label in the box. Is there anything else I can help you with today? "
            + "Have a nice weekend.";

    private FakeUpstreamMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK stall each answer by about 40 ms on loopback (the first run measured p50 48 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        String body = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"fake-1\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + ANSWER + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":250,\"completion_tokens\":220,\"total_tokens\":470}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        });
        server.start();
        System.out.println("fake upstream on http://127.0.0.1:" + port + "/v1");
    }
}
