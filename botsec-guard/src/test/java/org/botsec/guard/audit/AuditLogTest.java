package org.botsec.guard.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.guard.Action;
import org.botsec.core.finding.Finding;
import org.botsec.guard.TestFindings;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each tampering kind is applied to a real log written by {@link AuditLog}; the expected first bad index is
 * worked out by hand from the file layout (header at 0, checkpoint after every 4 entries).
 */
class AuditLogTest {
    @TempDir
    Path tmp;

    private static final String SECRET = "call me at alice@example.com re card 4111111111111111";
    private final AuditSigningKey key = AuditSigningKey.generate();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    /** Writes 10 entries with checkpoints every 4: lines 0 header, 1-4 entries, 5 cp, 6-9, 10 cp, 11-12, 13 cp (close). */
    private Path writeLog() {
        Path file = tmp.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, key, 4, clock)) {
            for (int i = 0; i < 10; i++) {
                Action a = i % 3 == 0 ? Action.BLOCK : i % 3 == 1 ? Action.REDACT : Action.ALLOW;
                Verdict v = new Verdict(a, "", List.of(TestFindings.of("EMAIL", 0, 5, 0.9),
                        TestFindings.of("PROMPT_INJECTION", 6, 9, 0.8)), List.of());
                log.append(i % 2 == 0 ? Direction.INPUT : Direction.OUTPUT, v, SECRET + " #" + i, "scan");
            }
        }
        return file;
    }

    private static List<String> lines(Path f) throws IOException {
        return new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
    }

    private static void write(Path f, List<String> lines) throws IOException {
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** Recomputes a line's own hash the way an attacker without the key could (content minus hash field). */
    private static String rehash(String line) throws Exception {
        String content = line.substring(0, line.length() - 75) + "}";
        String h = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        return line.substring(0, line.length() - 66) + h + "\"}";
    }

    private static String hashOf(String line) {
        return line.substring(line.length() - 66, line.length() - 2);
    }

    @Test
    void intactLogVerifiesAndHoldsNoRawText() throws IOException {
        Path f = writeLog();
        VerifyResult r = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(r.valid(), r.reason());
        assertEquals(14, r.records());
        assertEquals(10, r.entries());
        assertEquals(-1, r.firstBadIndex());
        assertEquals(13, r.lastCheckpointIndex());
        assertEquals(0, r.unsignedRecords());
        assertFalse(r.tornTail());
        String all = Files.readString(f);
        assertFalse(all.contains("alice@example.com") || all.contains("4111111111111111") || all.contains("call me"));
        List<String> ls = lines(f);
        assertTrue(ls.get(5).contains("\"type\":\"checkpoint\""), ls.get(5));
        assertTrue(ls.get(1).contains("\"findings\":[\"EMAIL\",\"PROMPT_INJECTION\"]"), ls.get(1));
        assertTrue(ls.get(1).contains("\"verdict\":\"block\""), ls.get(1));
    }

    @Test
    void modifiedRecordIsFound() throws IOException {
        Path f = writeLog();
        List<String> ls = lines(f);
        ls.set(7, ls.get(7).replace("\"verdict\":\"allow\"", "\"verdict\":\"block\""));
        assertFalse(ls.get(7).equals(lines(f).get(7)), "the edit must change the line");
        write(f, ls);
        VerifyResult r = AuditLog.verify(f);
        assertFalse(r.valid());
        assertEquals(7, r.firstBadIndex());
        assertEquals(7, r.records());
        assertTrue(r.reason().contains("modified"), r.reason());
    }

    @Test
    void modifiedAndRehashedRecordBreaksTheChainAtTheNextRecord() throws Exception {
        Path f = writeLog();
        List<String> ls = lines(f);
        ls.set(7, rehash(ls.get(7).replace("\"verdict\":\"allow\"", "\"verdict\":\"block\"")));
        write(f, ls);
        VerifyResult r = AuditLog.verify(f);
        assertFalse(r.valid());
        assertEquals(8, r.firstBadIndex());
    }

    @Test
    void fullyRechainedEditIsCaughtByTheNextSignedCheckpoint() throws Exception {
        Path f = writeLog();
        List<String> ls = lines(f);
        ls.set(7, rehash(ls.get(7).replace("\"verdict\":\"allow\"", "\"verdict\":\"block\"")));
        // Recompute prev and hash of every later line, as an attacker without the private key can.
        for (int i = 8; i < ls.size(); i++) {
            String prev = hashOf(ls.get(i - 1));
            String line = ls.get(i).replaceFirst("\"prev\":\"[0-9a-f]{64}\"", "\"prev\":\"" + prev + "\"");
            ls.set(i, rehash(line));
        }
        write(f, ls);
        VerifyResult r = AuditLog.verify(f, key.exportPublicKeyJson());
        assertFalse(r.valid());
        assertEquals(10, r.firstBadIndex(), r.reason());
        assertTrue(r.reason().contains("signature"), r.reason());
    }

    @Test
    void insertedRecordIsFound() throws IOException {
        Path f = writeLog();
        List<String> ls = lines(f);
        ls.add(4, ls.get(3));
        write(f, ls);
        VerifyResult r = AuditLog.verify(f);
        assertFalse(r.valid());
        assertEquals(4, r.firstBadIndex());
    }

    @Test
    void deletedRecordIsFound() throws IOException {
        Path f = writeLog();
        List<String> ls = lines(f);
        ls.remove(8);
        write(f, ls);
        VerifyResult r = AuditLog.verify(f);
        assertFalse(r.valid());
        assertEquals(8, r.firstBadIndex());
    }

    @Test
    void reorderedRecordsAreFound() throws IOException {
        Path f = writeLog();
        List<String> ls = lines(f);
        String a = ls.get(2);
        ls.set(2, ls.get(3));
        ls.set(3, a);
        write(f, ls);
        VerifyResult r = AuditLog.verify(f);
        assertFalse(r.valid());
        assertEquals(2, r.firstBadIndex());
    }

    @Test
    void logResignedWithAnotherKeyFailsAgainstTheTrustedKey() {
        Path f = writeLog();
        AuditSigningKey attacker = AuditSigningKey.generate();
        Path forged = tmp.resolve("forged.jsonl");
        try (AuditLog log = AuditLog.open(forged, attacker, 4, clock)) {
            log.append(Direction.INPUT, new Verdict(Action.ALLOW, "x", List.of(), List.of()), "x", "scan");
        }
        assertTrue(AuditLog.verify(forged).valid(), "self-consistent with its own header key");
        VerifyResult r = AuditLog.verify(forged, key.exportPublicKeyJson());
        assertFalse(r.valid());
        assertEquals(0, r.firstBadIndex());
        assertTrue(AuditLog.verify(f, key.exportPublicKeyJson()).valid());
    }

    @Test
    void truncationAfterTheLastCheckpointIsAKnownLimit() throws IOException {
        Path f = tmp.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, key, 4, clock)) {
            for (int i = 0; i < 6; i++) {
                log.append(Direction.INPUT, new Verdict(Action.ALLOW, "x", List.of(), List.of()), "m" + i, "scan");
            }
            // lines: 0 header, 1-4 entries, 5 cp, 6-7 entries; read before close adds the final checkpoint.
            VerifyResult open = AuditLog.verify(f);
            assertTrue(open.valid());
            assertEquals(2, open.unsignedRecords());
        }
        List<String> ls = lines(f);
        assertEquals(9, ls.size());
        // Dropping the final checkpoint and the entries before it back to checkpoint 5 is not detectable...
        write(f, ls.subList(0, 6));
        VerifyResult r = AuditLog.verify(f);
        assertTrue(r.valid());
        assertEquals(6, r.records());
        // ...but the result says where the last signature is, so an external copy of it can expose the cut.
        assertEquals(5, r.lastCheckpointIndex());
    }

    @Test
    void tornLastLineIsReportedAndCutOffOnReopen() throws IOException {
        Path f = writeLog();
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 30));
        VerifyResult r = AuditLog.verify(f);
        assertTrue(r.valid(), r.reason());
        assertTrue(r.tornTail());
        assertEquals(13, r.records());
        assertTrue(r.reason().contains("incomplete"), r.reason());
        try (AuditLog log = AuditLog.open(f, key, 4, clock)) {
            assertEquals(13, log.size());
            log.append(Direction.OUTPUT, new Verdict(Action.ALLOW, "x", List.of(), List.of()), "after crash", "scan");
        }
        VerifyResult after = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(after.valid(), after.reason());
        assertFalse(after.tornTail());
        assertEquals(11, after.entries());
    }

    @Test
    void reopeningContinuesTheChain() {
        Path f = writeLog();
        try (AuditLog log = AuditLog.open(f, key, 4, clock)) {
            log.append(Direction.INPUT, new Verdict(Action.ALLOW, "x", List.of(), List.of()), "more", "proxy_request");
        }
        VerifyResult r = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(r.valid(), r.reason());
        assertEquals(11, r.entries());
    }

    @Test
    void damagedLogIsNotAppendedToAndBadArgumentsAreRejected() throws IOException {
        Path f = writeLog();
        List<String> ls = lines(f);
        ls.remove(3);
        write(f, ls);
        BadInputException e = assertThrows(BadInputException.class, () -> AuditLog.open(f, key, 4, clock));
        assertTrue(e.getMessage().contains("refusing to append"), e.getMessage());
        assertThrows(BadInputException.class, () -> AuditLog.open(tmp.resolve("x"), key, 0, clock));
        assertThrows(BadInputException.class, () -> AuditLog.verify(tmp.resolve("missing.jsonl")));
        try (AuditLog log = AuditLog.open(tmp.resolve("y"), key, 4, clock)) {
            assertThrows(BadInputException.class,
                    () -> log.append(Direction.INPUT, new Verdict(Action.ALLOW, "", List.of(), List.of()), "t", "Bad Action"));
        }
    }

    @Test
    void aFileThatIsNotAnAuditLogIsBadInputNotTampering() throws IOException {
        Path f = tmp.resolve("garbage.jsonl");
        Files.writeString(f, "hello world\n{\"index\":1}\n");
        BadInputException e = assertThrows(BadInputException.class, () -> AuditLog.verify(f));
        assertEquals(f + " is not an audit log: its first line is not a botsec-audit-v1 header", e.getMessage());
        Files.write(f, new byte[0]);
        assertTrue(assertThrows(BadInputException.class, () -> AuditLog.verify(f)).getMessage().contains("the file is empty"));
        // A real log whose header was edited is tampering (an invalid result), not bad input.
        Path log = writeLog();
        List<String> ls = lines(log);
        ls.set(0, ls.get(0).replace("\"checkpoint_every\":4", "\"checkpoint_every\":5"));
        write(log, ls);
        VerifyResult r = AuditLog.verify(log);
        assertFalse(r.valid());
        assertEquals(0, r.firstBadIndex());
    }
}
