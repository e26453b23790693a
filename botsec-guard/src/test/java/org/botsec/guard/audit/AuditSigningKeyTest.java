package org.botsec.guard.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;
import org.botsec.guard.crypto.MasterKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit signing key at rest: encrypted by the master key when one is given (no private key bytes in the
 * file), cleartext only without one, a wrong master key refused with one line, and a log signed with the
 * reloaded key still verifying against the public key written at creation.
 */
class AuditSigningKeyTest {
    @TempDir
    Path dir;

    /** The base64 Ed25519 private key value inside a cleartext Tink JSON keyset ("value" of the key data). */
    private static String privateKeyValue(Path cleartextKeyFile) throws Exception {
        String json = Files.readString(cleartextKeyFile);
        int i = json.indexOf("\"value\":\"");
        return json.substring(i + 9, json.indexOf('"', i + 9));
    }

    @Test
    void encryptedUnderMasterKeyAndReloadable() throws Exception {
        MasterKey master = MasterKey.generate();
        Path keyFile = dir.resolve("audit.key.json");
        AuditSigningKey created = AuditSigningKey.loadOrCreate(keyFile, master);
        assertTrue(created.encryptedAtRest());
        String stored = Files.readString(keyFile);
        assertTrue(stored.contains("\"encryptedKeyset\""), stored);
        assertFalse(stored.contains("\"keyData\""), "a cleartext keyset carries the private key in keyData");

        AuditSigningKey reloaded = AuditSigningKey.loadOrCreate(keyFile, master);
        assertEquals(created.exportPublicKeyJson(), reloaded.exportPublicKeyJson());
        assertTrue(reloaded.encryptedAtRest());

        // A log written with the reloaded key verifies against the public key of the created one.
        Path log = dir.resolve("audit.jsonl");
        try (AuditLog a = AuditLog.open(log, reloaded)) {
            a.append(Direction.INPUT, new Verdict(Action.ALLOW, "hi", List.of(), List.of()), "hi", "scan");
        }
        assertTrue(AuditLog.verify(log, created.exportPublicKeyJson()).valid());
    }

    @Test
    void wrongOrMissingMasterKeyIsOneClearLine() {
        Path keyFile = dir.resolve("k.json");
        AuditSigningKey.loadOrCreate(keyFile, MasterKey.generate());
        BadInputException wrong = assertThrows(BadInputException.class, () -> AuditSigningKey.loadOrCreate(keyFile, MasterKey.generate()));
        assertEquals("master key does not match the keyset in audit signing key file " + keyFile
                + " (wrong master key, or the file was modified)", wrong.getMessage());
        BadInputException none = assertThrows(BadInputException.class, () -> AuditSigningKey.loadOrCreate(keyFile));
        assertTrue(none.getMessage().startsWith("audit signing key file " + keyFile + " is encrypted"), none.getMessage());
    }

    @Test
    void cleartextWithoutMasterKeyAndMigratedWhenOneIsGiven() throws Exception {
        Path keyFile = dir.resolve("k.json");
        AuditSigningKey clear = AuditSigningKey.loadOrCreate(keyFile);
        assertFalse(clear.encryptedAtRest());
        String secret = privateKeyValue(keyFile);
        assertTrue(Base64.getDecoder().decode(secret).length >= 32, "found the private key in the cleartext file");

        MasterKey master = MasterKey.generate();
        AuditSigningKey migrated = AuditSigningKey.loadOrCreate(keyFile, master);
        assertTrue(migrated.encryptedAtRest());
        assertEquals(clear.exportPublicKeyJson(), migrated.exportPublicKeyJson());
        String stored = Files.readString(keyFile, StandardCharsets.UTF_8);
        assertFalse(stored.contains(secret), "private key bytes left in the file after migration");
        assertTrue(stored.contains("\"encryptedKeyset\""));
        assertEquals(clear.exportPublicKeyJson(), AuditSigningKey.loadOrCreate(keyFile, master).exportPublicKeyJson());
    }

    @Test
    void masterKeyForOnePurposeCannotUnwrapAnother() {
        // Associated data binds the wrapped keyset to "audit signing key": a conversation-store keyset wrapped
        // under the same master key with other associated data is refused.
        MasterKey master = MasterKey.generate();
        Path keyFile = dir.resolve("k.json");
        AuditSigningKey.loadOrCreate(keyFile, master);
        String json = assertDoesNotThrowRead(keyFile);
        assertThrows(BadInputException.class, () -> master.unwrapKeyset(json, "other".getBytes(StandardCharsets.UTF_8), "x"));
    }

    private static String assertDoesNotThrowRead(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
