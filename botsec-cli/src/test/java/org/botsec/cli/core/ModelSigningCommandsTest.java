package org.botsec.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.botsec.cli.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models keygen/sign/verify}, a flipped model byte on load, and {@code audit --require-signature}, end to end
 * through the CLI. The cryptography itself is tested against Tink in botsec-core's ModelSignaturesTest.
 */
class ModelSigningCommandsTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path key;
    static Path pub;

    @BeforeAll
    static void trainAndKeygen() {
        model = dir.resolve("bc.safetensors");
        CliRun t = CliRun.run("train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out", model.toString(),
                "--quiet");
        assertEquals(0, t.code(), t.toString());
        key = dir.resolve("signing.key.json");
        CliRun k = CliRun.run("models", "keygen", "--out", key.toString(), "--json");
        assertEquals(0, k.code(), k.toString());
        pub = dir.resolve("signing.pub.json");
        assertEquals(pub.toString(), k.json().get("public_key").asText());
        assertFalse(k.json().get("encrypted").asBoolean());
        assertTrue(k.err().contains("stored unencrypted"), k.err());
        assertFalse(k.out().contains("privateKey") || k.out().contains("\"value\""), "no key material printed: " + k.out());
    }

    @Test
    void keygenRefusesToReplaceAKey() {
        CliRun again = CliRun.run("models", "keygen", "--out", key.toString());
        assertEquals(ExitCode.BAD_INPUT, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
    }

    @Test
    void signVerifyAndTamper() throws IOException {
        Path m = dir.resolve("copy.safetensors");
        Files.copy(model, m);
        CliRun s = CliRun.run("models", "sign", "--model", m.toString(), "--key", key.toString());
        assertEquals(0, s.code(), s.toString());
        assertTrue(s.out().contains("signature " + m + ".sig"), s.out());
        CliRun info = CliRun.run("models", "info", m.toString());
        assertTrue(info.out().contains("integrity:   SHA-256 of every tensor in the header, checked on load"), info.out());
        assertTrue(info.out().contains("signature:   " + m + ".sig"), info.out());
        CliRun v = CliRun.run("models", "verify", "--model", m.toString(), "--public-key", pub.toString(), "--json");
        assertEquals(0, v.code(), v.toString());
        JsonNode doc = v.json();
        assertTrue(doc.get("valid").asBoolean());
        assertTrue(doc.get("problem").isNull());

        byte[] bytes = Files.readAllBytes(m);
        bytes[bytes.length - 3] ^= 0x01; // inside the last tensor: the standardiser's 'scaler_scale'
        Files.write(m, bytes);
        CliRun p = CliRun.run("predict", "--model", m.toString(), "--data", "builtin:breast_cancer:test");
        assertEquals(ExitCode.BAD_INPUT, p.code(), p.toString());
        assertEquals(1, p.err().strip().lines().count(), p.err());
        assertTrue(p.err().contains("tensor 'scaler_scale' does not match its SHA-256"), p.err());
        CliRun bad = CliRun.run("models", "verify", "--model", m.toString(), "--public-key", pub.toString());
        assertEquals(ExitCode.THRESHOLD_FAILED, bad.code(), bad.toString());
        assertTrue(bad.err().contains("'scaler_scale'"), bad.err());
    }

    @Test
    void wrongKeyAndMissingSignatureExitThree() {
        Path otherKey = dir.resolve("other.key.json");
        assertEquals(0, CliRun.run("models", "keygen", "--out", otherKey.toString()).code());
        Path m = dir.resolve("bc2.safetensors");
        try {
            Files.copy(model, m);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        CliRun none = CliRun.run("models", "verify", "--model", m.toString(), "--public-key", pub.toString());
        assertEquals(ExitCode.THRESHOLD_FAILED, none.code());
        assertTrue(none.err().contains("has no signature file"), none.err());
        assertEquals(0, CliRun.run("models", "sign", "--model", m.toString(), "--key", otherKey.toString()).code());
        CliRun wrong = CliRun.run("models", "verify", "--model", m.toString(), "--public-key", pub.toString());
        assertEquals(ExitCode.THRESHOLD_FAILED, wrong.code());
        assertTrue(wrong.err().contains("does not verify with public key"), wrong.err());

        CliRun audit = CliRun.run("audit", "--model", m.toString(), "--data", "builtin:breast_cancer:test",
                "--out", dir.resolve("audit").toString(), "--require-signature", pub.toString(), "--quiet");
        assertEquals(ExitCode.THRESHOLD_FAILED, audit.code(), audit.toString());
        assertTrue(audit.err().contains("signature required but not valid"), audit.err());
        assertFalse(Files.exists(dir.resolve("audit").resolve("report.html")), "no audit of an unsigned model");
    }
}
