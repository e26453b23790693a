package org.botsec.cli.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.botsec.cli.Botsec;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;
import org.botsec.guard.audit.AuditLog;
import org.botsec.guard.audit.AuditSigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Botsec.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path writeLog(AuditSigningKey key) {
        Path f = tmp.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(f, key, 3, java.time.Clock.systemUTC())) {
            for (int i = 0; i < 7; i++) {
                log.append(Direction.INPUT, new Verdict(i % 2 == 0 ? Action.ALLOW : Action.BLOCK, "", List.of(), List.of()), "m" + i, "scan");
            }
        }
        return f;
    }

    @Test
    void validLogExitsZeroWithJson() throws Exception {
        AuditSigningKey key = AuditSigningKey.generate();
        Path f = writeLog(key);
        Path pub = tmp.resolve("audit.pub.json");
        key.writePublicKey(pub);
        Run r = run("audit-log", "verify", f.toString(), "--public-key", pub.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("valid").asBoolean());
        // header + 7 entries + checkpoints after entries 3 and 6 + final checkpoint on close = 11
        assertEquals(11, j.get("records").asLong());
        assertTrue(j.get("first_bad_index").isNull());
        Run human = run("audit-log", "verify", f.toString());
        assertEquals(0, human.code());
        assertTrue(human.out().startsWith("valid: 11 records (7 entries)"), human.out());
    }

    @Test
    void tamperedLogExitsThreeAndNamesTheFirstBadIndex() throws Exception {
        Path f = writeLog(AuditSigningKey.generate());
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.remove(2);
        Files.write(f, lines);
        Run r = run("audit-log", "verify", f.toString(), "--json");
        assertEquals(3, r.code());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(false, j.get("valid").asBoolean());
        assertEquals(2, j.get("first_bad_index").asLong());
        assertEquals(2, j.get("records").asLong());
        assertTrue(r.err().contains("not valid"), r.err());
    }

    @Test
    void wrongTrustedKeyExitsThree() {
        Path f = writeLog(AuditSigningKey.generate());
        Path other = tmp.resolve("other.pub.json");
        AuditSigningKey.generate().writePublicKey(other);
        Run r = run("audit-log", "verify", f.toString(), "--public-key", other.toString());
        assertEquals(3, r.code());
        assertTrue(r.out().startsWith("INVALID: first bad record 0"), r.out());
    }

    @Test
    void missingFileExitsTwo() {
        Run r = run("audit-log", "verify", tmp.resolve("nope.jsonl").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("botsec: audit log not found"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Run badKey = run("audit-log", "verify", writeLog(AuditSigningKey.generate()).toString(), "--public-key", tmp.resolve("nokey").toString());
        assertEquals(2, badKey.code());
    }

    @Test
    void aFileThatIsNotAnAuditLogExitsTwoWithOneLine() throws Exception {
        Path notes = tmp.resolve("notes.txt");
        Files.writeString(notes, "shopping list\nmilk\n");
        Run r = run("audit-log", "verify", notes.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("botsec: " + notes + " is not an audit log: its first line is not a botsec-audit-v1 header", r.err().strip());
    }

    @Test
    void truncationIsCaughtWithTheWitness() throws Exception {
        AuditSigningKey key = AuditSigningKey.generate();
        Path f = tmp.resolve("audit.jsonl");
        Path witness = tmp.resolve("witness.jsonl");
        try (AuditLog log = AuditLog.open(f, key, 3, java.time.Clock.systemUTC(), org.botsec.guard.audit.WitnessFile.at(witness))) {
            for (int i = 0; i < 7; i++) {
                log.append(Direction.INPUT, new Verdict(Action.ALLOW, "", List.of(), List.of()), "m" + i, "scan");
            }
        }
        assertEquals(0, run("audit-log", "verify", f.toString(), "--witness", witness.toString()).code());
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        Files.write(f, lines.subList(0, 9)); // back to the checkpoint at 8: entry 9 and checkpoint 10 deleted
        assertEquals(0, run("audit-log", "verify", f.toString()).code(), "the cut log alone looks valid");
        Run r = run("audit-log", "verify", f.toString(), "--witness", witness.toString(), "--json");
        assertEquals(3, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(9, j.get("first_bad_index").asLong());
        assertTrue(j.get("reason").asText().contains("were cut off (truncation)"), r.out());
    }
}
