package org.botsec.guard.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL ({@code destroyForcibly}) while it appends to an audit log, then checks that
 * every record the child acknowledged (printed after fsync) is still there and the log verifies. A SIGKILL
 * seldom tears a line (the kernel already holds the bytes of a finished write call), so whether the tail is
 * torn varies from run to run; {@code AuditLogTest.tornLastLineIsReportedAndCutOffOnReopen} covers a torn
 * line deterministically.
 */
class AuditLogCrashTest {
    @TempDir
    Path tmp;

    @Test
    void killDashNineLosesAtMostTheRecordBeingWritten() throws Exception {
        Path log = tmp.resolve("audit.jsonl");
        Path keyFile = tmp.resolve("audit.key.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                AuditAppenderMain.class.getName(), log.toString(), keyFile.toString(), "200000")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long lastAcknowledged = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lastAcknowledged = Long.parseLong(line.trim());
                if (lastAcknowledged >= 300) {
                    break;
                }
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "child did not die");
        } finally {
            child.destroyForcibly();
        }
        assertTrue(lastAcknowledged >= 300, "child stopped early at " + lastAcknowledged);
        VerifyResult r = AuditLog.verify(log, AuditSigningKey.readPublicKeyFile(writePublic(keyFile)));
        assertTrue(r.valid(), r.reason());
        assertEquals(-1, r.firstBadIndex());
        // Every acknowledged record survived (the child may have written a few more before it died).
        assertTrue(r.records() > lastAcknowledged, r.records() + " records, acknowledged up to " + lastAcknowledged);
        // And the log can be reopened and extended after the crash.
        try (AuditLog again = AuditLog.open(log, AuditSigningKey.loadOrCreate(keyFile))) {
            assertEquals(r.records(), again.size());
        }
        assertTrue(AuditLog.verify(log).valid());
    }

    private Path writePublic(Path keyFile) {
        Path pub = tmp.resolve("audit.pub.json");
        AuditSigningKey.loadOrCreate(keyFile).writePublicKey(pub);
        return pub;
    }
}
