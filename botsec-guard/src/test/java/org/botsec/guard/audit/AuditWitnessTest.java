package org.botsec.guard.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log cut back to an earlier checkpoint verifies as valid on its own (the chain and signatures up to the cut
 * are intact); with the witness file its checkpoints were anchored in, the cut is detected and named. Layout
 * with a checkpoint every 4 entries and 10 entries: 0 header, 1-4, 5 cp, 6-9, 10 cp, 11-12, 13 cp (close).
 */
class AuditWitnessTest {
    @TempDir
    Path tmp;

    private final AuditSigningKey key = AuditSigningKey.generate();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    private Path writeLog(Path file, WitnessFile witness, int entries) {
        return writeLog(file, witness, entries, "message ");
    }

    private Path writeLog(Path file, WitnessFile witness, int entries, String text) {
        try (AuditLog log = AuditLog.open(file, key, 4, clock, witness)) {
            for (int i = 0; i < entries; i++) {
                log.append(Direction.INPUT, new Verdict(Action.ALLOW, "x", List.of(), List.of()), text + i, "scan");
            }
        }
        return file;
    }

    private static void keepLines(Path f, int n) throws IOException {
        List<String> ls = Files.readAllLines(f, StandardCharsets.UTF_8);
        Files.writeString(f, String.join("\n", ls.subList(0, n)) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void theWitnessHoldsEveryCheckpointAndAnIntactLogMatchesIt() throws IOException {
        Path wf = tmp.resolve("witness.jsonl");
        Path f = writeLog(tmp.resolve("audit.jsonl"), WitnessFile.at(wf), 10);
        List<WitnessFile.Entry> w = WitnessFile.at(wf).read();
        assertEquals(List.of(5L, 10L, 13L), w.stream().map(WitnessFile.Entry::index).toList());
        VerifyResult r = AuditLog.verify(f, key.exportPublicKeyJson(), wf);
        assertTrue(r.valid(), r.reason());
        assertTrue(r.reason().contains("witness: 3 checkpoint(s) present, the last at 13"), r.reason());
    }

    @Test
    void deletingTheTailBackToACheckpointIsDetectedOnlyWithTheWitness() throws IOException {
        Path wf = tmp.resolve("witness.jsonl");
        Path f = writeLog(tmp.resolve("audit.jsonl"), WitnessFile.at(wf), 10);
        keepLines(f, 11); // cut back to checkpoint 10: records 11, 12 and checkpoint 13 deleted
        VerifyResult alone = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(alone.valid(), "without a witness the cut log looks whole: " + alone.reason());
        assertEquals(10, alone.lastCheckpointIndex());
        VerifyResult withWitness = AuditLog.verify(f, key.exportPublicKeyJson(), wf);
        assertFalse(withWitness.valid());
        assertEquals(11, withWitness.firstBadIndex());
        assertEquals("the log ends at record 10 but its witness holds checkpoint 13: records 11..13 were cut off (truncation)",
                withWitness.reason());
        // Appending to the cut log through the witness is refused, so the cut cannot be papered over.
        BadInputException e = assertThrows(BadInputException.class, () -> AuditLog.open(f, key, 4, clock, WitnessFile.at(wf)));
        assertTrue(e.getMessage().contains("cut off"), e.getMessage());
    }

    @Test
    void aLogReplacedWholesaleOrRewrittenFromACheckpointIsDetected() throws IOException {
        Path wf = tmp.resolve("witness.jsonl");
        Path f = writeLog(tmp.resolve("audit.jsonl"), WitnessFile.at(wf), 10);
        // Cut back to checkpoint 5, then append new entries with the same key: as many records as before, valid
        // chain and signatures, but checkpoint 10 and 13 are not the witnessed ones.
        keepLines(f, 6);
        writeLog(f, null, 7, "rewritten ");
        VerifyResult alone = AuditLog.verify(f, key.exportPublicKeyJson());
        assertTrue(alone.valid(), alone.reason());
        assertTrue(alone.records() >= 14, alone.reason());
        VerifyResult r = AuditLog.verify(f, key.exportPublicKeyJson(), wf);
        assertFalse(r.valid());
        assertEquals(10, r.firstBadIndex());
        assertTrue(r.reason().contains("not the checkpoint its witness holds"), r.reason());
        // A fresh log in its place, signed with a new key, has another header; without the trusted public key
        // only the witness tells.
        Files.delete(f);
        try (AuditLog log = AuditLog.open(f, AuditSigningKey.generate(), 4, clock)) {
            for (int i = 0; i < 10; i++) {
                log.append(Direction.INPUT, new Verdict(Action.ALLOW, "x", List.of(), List.of()), "message " + i, "scan");
            }
        }
        assertTrue(AuditLog.verify(f).valid());
        VerifyResult replaced = AuditLog.verify(f, null, wf);
        assertFalse(replaced.valid());
        assertTrue(replaced.reason().contains("header is not the one its witness names"), replaced.reason());
    }

    @Test
    void aWitnessFileThatIsNotOneIsBadInput() throws IOException {
        Path f = writeLog(tmp.resolve("audit.jsonl"), null, 3);
        Path notWitness = tmp.resolve("notes.txt");
        Files.writeString(notWitness, "hello\n");
        BadInputException e = assertThrows(BadInputException.class, () -> AuditLog.verify(f, null, notWitness));
        assertEquals(notWitness + " is not an audit witness file: line 1 is not {\"log\", \"index\", \"hash\"}", e.getMessage());
        Path empty = tmp.resolve("empty.jsonl");
        Files.writeString(empty, "");
        assertThrows(BadInputException.class, () -> AuditLog.verify(f, null, empty));
    }
}
