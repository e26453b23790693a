package org.botsec.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.botsec.cli.Botsec;
import org.botsec.guard.audit.AuditLog;
import org.botsec.server.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @TempDir
    Path tmp;

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Botsec.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void badFlagsExitTwoWithOneLine() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, run(out, err, "serve", "--port", "0", "--tls-cert", "x.pem"));
        assertTrue(err.toString().startsWith("botsec: --tls-cert and --tls-key go together"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(new StringWriter(), err2, "serve", "--port", "0", "--api-keys", tmp.resolve("missing").toString()));
        assertTrue(err2.toString().contains("API keys file not found"), err2.toString());
        StringWriter err3 = new StringWriter();
        assertEquals(2, run(new StringWriter(), err3, "serve", "--port", "70000"));
    }

    @Test
    void servesWithDefaultPolicyApiKeysAndAuditLogUntilInterrupted() throws Exception {
        String key = "cli-test-key-0123456789";
        Path keys = tmp.resolve("keys.txt");
        Files.writeString(keys, "# test\ntester:" + ApiKeys.hash(key) + "\n");
        Path audit = tmp.resolve("audit.jsonl");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(run(out, err, "serve", "--port", "0", "--api-keys", keys.toString(),
                "--audit-log", audit.toString())));
        t.start();
        URI base = null;
        Pattern p = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
        // the default guard loads the sentence-embedding model first (seconds on a busy machine)
        for (int i = 0; i < 1_800 && base == null; i++) {
            Matcher m = p.matcher(out.toString());
            if (m.find()) {
                base = URI.create(m.group(1));
            } else {
                Thread.sleep(50);
            }
        }
        try {
            assertTrue(base != null, "no listening line; out=" + out + " err=" + err);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/v1/guard/input"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"my email is jane.doe@example.com\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"verdict\":\"redact\""), r.body());
            assertFalse(r.body().contains("jane.doe@example.com"), r.body());
            HttpResponse<String> noKey = client.send(HttpRequest.newBuilder(base.resolve("/v1/guard/input"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, noKey.statusCode());
        } finally {
            t.interrupt();
            t.join(10_000);
        }
        assertFalse(t.isAlive());
        assertEquals(0, code.get(), err.toString());
        assertTrue(AuditLog.verify(audit).valid());
        assertEquals(1, AuditLog.verify(audit).entries());
        assertTrue(Files.exists(Path.of(audit + ".pub.json")));
    }
}
