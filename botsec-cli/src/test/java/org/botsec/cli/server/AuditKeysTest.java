package org.botsec.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.cli.Botsec;
import org.botsec.guard.crypto.MasterKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit signing key file through the CLI: encrypted with {@code --master-key FILE}, cleartext with a
 * one-line warning naming the file otherwise, a wrong master key exits 2 with one line. The environment
 * variable path ({@code BOTSEC_MASTER_KEY}) is the same code after the lookup and is not set in tests.
 */
class AuditKeysTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Botsec.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void masterKeyEncryptsTheSigningKeyAndAWrongOneIsOneLine() throws Exception {
        Path master = dir.resolve("master.json");
        MasterKey.generate().writeTo(master);
        Path log = dir.resolve("audit.jsonl");
        Run r = run("guard", "scan", "--text", "hello", "--audit-log", log.toString(), "--master-key", master.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("warning"), r.err());
        String keyFile = Files.readString(Path.of(log + ".key.json"));
        assertTrue(keyFile.contains("\"encryptedKeyset\"") && !keyFile.contains("\"keyData\""), keyFile);
        assertEquals(0, run("guard", "scan", "--text", "again", "--audit-log", log.toString(), "--master-key", master.toString()).code());
        assertEquals(0, run("audit-log", "verify", log.toString(), "--public-key", log + ".pub.json").code());

        Path other = dir.resolve("other.json");
        MasterKey.generate().writeTo(other);
        Run wrong = run("guard", "scan", "--text", "x", "--audit-log", log.toString(), "--master-key", other.toString());
        assertEquals(2, wrong.code());
        assertEquals(1, wrong.err().strip().lines().count(), wrong.err());
        assertTrue(wrong.err().contains("master key does not match the keyset in audit signing key file " + log + ".key.json"), wrong.err());

        Run none = run("guard", "scan", "--text", "x", "--audit-log", log.toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("is encrypted"), none.err());
    }

    @Test
    void withoutMasterKeyTheCleartextFallbackWarnsOnce() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        Run r = run("guard", "scan", "--text", "hello", "--audit-log", log.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("warning: audit signing key " + log + ".key.json is stored unencrypted; set BOTSEC_MASTER_KEY or "
                + "--master-key FILE to encrypt it", r.err().strip());
        assertTrue(Files.readString(Path.of(log + ".key.json")).contains("\"keyData\""));
    }
}
