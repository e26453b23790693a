package org.botsec.guard.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit and torn-write recovery. The reference is the log's own verifier ({@link AuditLog#verify} with
 * the trusted public key): every scenario must leave a log that verifies, holding exactly the records whose
 * {@code append} returned.
 */
class AuditLogGroupCommitTest {
    @TempDir
    Path tmp;

    private final AuditSigningKey key = AuditSigningKey.generate();
    private static final Verdict ALLOW = new Verdict(Action.ALLOW, "x", List.of(), List.of());

    @Test
    void concurrentAppendsAllLandOnceInAValidChain() throws Exception {
        Path f = tmp.resolve("audit.jsonl");
        int threads = 8;
        int perThread = 150;
        List<Long> indices = Collections.synchronizedList(new ArrayList<>());
        try (AuditLog log = AuditLog.open(f, key, 25, Clock.systemUTC())) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        indices.add(log.append(Direction.INPUT, ALLOW, "thread " + id + " message " + i, "scan").index());
                    }
                }));
            }
            ts.forEach(Thread::start);
            for (Thread t : ts) {
                t.join();
            }
        }
        VerifyResult r = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(r.valid(), r.reason());
        assertEquals(threads * perThread, r.entries());
        Set<Long> distinct = new HashSet<>(indices);
        assertEquals(threads * perThread, distinct.size(), "every append got its own index");
        // 1200 entries, a checkpoint after every 25 (48), the header: nothing else was written.
        assertEquals(1 + threads * perThread + threads * perThread / 25, r.records());
        assertEquals(-1, r.firstBadIndex());
    }

    @Test
    void halfARecordIsCutOffOnReopenAndTheChainContinues() throws IOException {
        Path f = tmp.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, key, 4, Clock.systemUTC())) {
            for (int i = 0; i < 6; i++) {
                log.append(Direction.OUTPUT, ALLOW, "message " + i, "scan");
            }
        }
        long before = Files.size(f);
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        String last = lines.get(lines.size() - 1);
        // A crash in the middle of a batch: half of a record, no newline.
        Files.write(f, last.substring(0, last.length() / 2).getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        VerifyResult torn = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(torn.valid(), torn.reason());
        assertTrue(torn.tornTail());
        try (AuditLog log = AuditLog.open(f, key, 4, Clock.systemUTC())) {
            assertEquals(before, Files.size(f), "the torn half record was cut off");
            assertEquals(lines.size(), log.size());
            log.append(Direction.OUTPUT, ALLOW, "after the crash", "scan");
        }
        VerifyResult r = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(r.valid(), r.reason());
        assertFalse(r.tornTail());
        assertEquals(7, r.entries());
    }

    @Test
    void aTornLastLineEndingInANewlineIsCutOffButAnEditedOneIsRefused() throws IOException {
        Path f = tmp.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, key, 4, Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                log.append(Direction.OUTPUT, ALLOW, "message " + i, "scan");
            }
        }
        byte[] good = Files.readAllBytes(f);
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        String last = lines.get(lines.size() - 1);
        // A zero-filled block in front of the tail of a record, the batch's final newline on disk.
        byte[] zeros = new byte[100];
        Files.write(f, zeros, StandardOpenOption.APPEND);
        Files.write(f, (last.substring(last.length() / 2) + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        VerifyResult torn = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(torn.valid(), torn.reason());
        assertTrue(torn.tornTail());
        try (AuditLog log = AuditLog.open(f, key, 4, Clock.systemUTC())) {
            assertEquals(good.length, Files.size(f));
            log.append(Direction.OUTPUT, ALLOW, "after", "scan");
        }
        assertTrue(AuditLog.verify(f, key.exportPublicKeyJson()).valid());

        // A last line that still has a record's shape but was changed is tampering, not a torn write.
        List<String> now = Files.readAllLines(f, StandardCharsets.UTF_8);
        String edited = now.get(now.size() - 1).replace("\"type\":\"checkpoint\"", "\"type\":\"checkpoinT\"");
        now.set(now.size() - 1, edited);
        Files.writeString(f, String.join("\n", now) + "\n", StandardCharsets.UTF_8);
        VerifyResult bad = AuditLog.verify(f, key.exportPublicKeyJson());
        assertFalse(bad.valid(), bad.reason());
        assertFalse(bad.tornTail());
    }

    @Test
    void aFailedWriteIsCutBackAndLaterAppendsDoNotLandOnATornLine() throws IOException {
        Path f = tmp.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, key, 100, Clock.systemUTC())) {
            log.append(Direction.INPUT, ALLOW, "one", "scan");
            long sizeBefore = Files.size(f);
            long indexBefore = log.size();
            log.failNextWriteAfter(40);
            assertThrows(UncheckedIOException.class, () -> log.append(Direction.INPUT, ALLOW, "two (lost)", "scan"));
            assertEquals(sizeBefore, Files.size(f), "the partial write was cut off");
            assertEquals(indexBefore, log.size(), "the failed record's index is reused");
            log.append(Direction.INPUT, ALLOW, "three", "scan");
        }
        VerifyResult r = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(r.valid(), r.reason());
        assertFalse(r.tornTail());
        assertEquals(2, r.entries(), "only the acknowledged appends are in the log");
        try (AuditLog again = AuditLog.open(f, key, 100, Clock.systemUTC())) {
            assertEquals(r.records(), again.size());
        }
    }
}
