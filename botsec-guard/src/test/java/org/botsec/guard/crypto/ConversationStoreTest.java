package org.botsec.guard.crypto;

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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationStoreTest {
    @TempDir
    Path tmp;

    private static final String MARKER = "PLAINTEXT-MARKER-4111111111111111-alice@example.com";

    @Test
    void roundTripKeepsMessagesPerConversationInOrder() {
        MasterKey master = MasterKey.generate();
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        try (ConversationStore store = ConversationStore.open(tmp.resolve("s"), master, clock)) {
            store.append("alice", "c1", "hello");
            store.append("bob", "c1", "bob's message");
            store.append("alice", "c1", "second ünïcødé ✓");
            store.append("alice", "c2", "other conversation");
            List<StoredMessage> alice = store.read("alice", "c1");
            assertEquals(List.of("hello", "second ünïcødé ✓"), alice.stream().map(StoredMessage::message).toList());
            assertEquals(List.of(0L, 2L), alice.stream().map(StoredMessage::index).toList());
            assertEquals(Instant.parse("2026-01-02T03:04:05Z"), alice.get(0).timestamp());
            assertEquals(List.of("bob's message"), store.read("bob", "c1").stream().map(StoredMessage::message).toList());
            assertEquals(List.of(), store.read("carol", "c1"));
        }
        // Reopening with the same master key reads everything back.
        try (ConversationStore store = ConversationStore.open(tmp.resolve("s"), master)) {
            assertEquals(4, store.size());
            assertEquals("other conversation", store.read("alice", "c2").get(0).message());
        }
    }

    @Test
    void storeBytesContainNoPlaintext() throws IOException {
        MasterKey master = MasterKey.generate();
        Path dir = tmp.resolve("s");
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            for (int i = 0; i < 20; i++) {
                store.append("user-" + MARKER, "conv-" + MARKER, "msg " + i + " " + MARKER);
            }
            store.rotateKey();
            store.append("user-" + MARKER, "conv-" + MARKER, MARKER);
            assertEquals(21, store.read("user-" + MARKER, "conv-" + MARKER).size());
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertEquals(2, files.size(), "keys.json and records.log: " + files);
        for (Path f : files) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (String needle : List.of(MARKER, "4111111111111111", "alice@example.com", "PLAINTEXT-MARKER", "user-", "conv-")) {
                assertFalse(bytes.contains(needle), f.getFileName() + " contains plaintext " + needle);
            }
        }
    }

    @Test
    void recordMovedToAnotherUserFailsToDecrypt() throws IOException {
        MasterKey master = MasterKey.generate();
        Path dir = tmp.resolve("s");
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            store.append("alice", "c1", "alice's secret");
            store.append("bob", "c1", "bob's note");
        }
        Path records = dir.resolve("records.log");
        List<String> lines = Files.readAllLines(records, StandardCharsets.US_ASCII);
        String[] alice = lines.get(0).split(" ");
        String[] bob = lines.get(1).split(" ");
        // Put alice's ciphertext under bob's lookup tag: bob's reader finds it, AEAD's associated data rejects it.
        List<String> swapped = new ArrayList<>(lines);
        swapped.set(0, alice[0] + " " + bob[1] + " " + alice[2]);
        Files.write(records, swapped, StandardCharsets.US_ASCII);
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            BadInputException e = assertThrows(BadInputException.class, () -> store.read("bob", "c1"));
            assertTrue(e.getMessage().contains("record 0") && e.getMessage().contains("failed authentication"), e.getMessage());
            assertFalse(e.getMessage().contains("secret"));
            // Alice's tag no longer points at any record.
            assertEquals(List.of(), store.read("alice", "c1"));
        }
    }

    @Test
    void flippedCiphertextByteIsDetected() throws IOException {
        MasterKey master = MasterKey.generate();
        Path dir = tmp.resolve("s");
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            store.append("alice", "c1", "hello there");
        }
        Path records = dir.resolve("records.log");
        String line = Files.readAllLines(records).get(0);
        String[] p = line.split(" ");
        byte[] ct = java.util.Base64.getDecoder().decode(p[2]);
        ct[ct.length / 2] ^= 1;
        Files.writeString(records, p[0] + " " + p[1] + " " + java.util.Base64.getEncoder().encodeToString(ct) + "\n");
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            assertThrows(BadInputException.class, () -> store.read("alice", "c1"));
        }
    }

    @Test
    void rotationKeepsOldRecordsReadable() {
        MasterKey master = MasterKey.generate();
        Path dir = tmp.resolve("s");
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            store.append("alice", "c1", "before rotation");
            store.rotateKey();
            store.append("alice", "c1", "after one rotation");
            store.rotateKey();
            assertEquals(3, store.dataKeyCount());
        }
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            assertEquals(3, store.dataKeyCount());
            store.append("alice", "c1", "after reopen");
            assertEquals(List.of("before rotation", "after one rotation", "after reopen"),
                    store.read("alice", "c1").stream().map(StoredMessage::message).toList());
        }
    }

    @Test
    void masterKeyRotationRewrapsKeysets() {
        Path dir = tmp.resolve("s");
        MasterKey oldMaster = MasterKey.generate();
        MasterKey newMaster = MasterKey.generate();
        try (ConversationStore store = ConversationStore.open(dir, oldMaster)) {
            store.append("alice", "c1", "written under the old master key");
            store.rewrapKeys(newMaster);
            store.append("alice", "c1", "after re-wrap");
        }
        assertThrows(BadInputException.class, () -> ConversationStore.open(dir, oldMaster));
        try (ConversationStore store = ConversationStore.open(dir, newMaster)) {
            assertEquals(List.of("written under the old master key", "after re-wrap"),
                    store.read("alice", "c1").stream().map(StoredMessage::message).toList());
        }
    }

    @Test
    void wrongMasterKeyGivesOneClearError() {
        Path dir = tmp.resolve("s");
        try (ConversationStore store = ConversationStore.open(dir, MasterKey.generate())) {
            store.append("alice", "c1", "hello");
        }
        BadInputException e = assertThrows(BadInputException.class, () -> ConversationStore.open(dir, MasterKey.generate()));
        assertTrue(e.getMessage().startsWith("master key does not match the keyset in "), e.getMessage());
    }

    @Test
    void masterKeyFileRoundTripAndBadFile() throws IOException {
        MasterKey master = MasterKey.generate();
        Path keyFile = tmp.resolve("master.json");
        master.writeTo(keyFile);
        Path dir = tmp.resolve("s");
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            store.append("u", "c", "via file");
        }
        try (ConversationStore store = ConversationStore.open(dir, MasterKey.fromFile(keyFile))) {
            assertEquals("via file", store.read("u", "c").get(0).message());
        }
        Files.writeString(tmp.resolve("bad.json"), "{\"not\": \"a keyset\"}");
        BadInputException e = assertThrows(BadInputException.class, () -> MasterKey.fromFile(tmp.resolve("bad.json")));
        assertTrue(e.getMessage().contains("not a valid Tink JSON AEAD keyset"), e.getMessage());
        assertThrows(BadInputException.class, () -> MasterKey.fromFile(tmp.resolve("missing.json")));
        assertThrows(BadInputException.class, () -> MasterKey.fromEnvironment("BOTSEC_TEST_SURELY_UNSET_VARIABLE"));
    }

    @Test
    void tornLastLineIsCutOffOnOpen() throws IOException {
        MasterKey master = MasterKey.generate();
        Path dir = tmp.resolve("s");
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            store.append("u", "c", "one");
            store.append("u", "c", "two");
        }
        Path records = dir.resolve("records.log");
        byte[] all = Files.readAllBytes(records);
        Files.write(records, java.util.Arrays.copyOf(all, all.length - 10)); // crash in the middle of record 1
        try (ConversationStore store = ConversationStore.open(dir, master)) {
            assertEquals(1, store.size());
            store.append("u", "c", "three");
            assertEquals(List.of("one", "three"), store.read("u", "c").stream().map(StoredMessage::message).toList());
        }
    }

    @Test
    void argumentsAreValidated() {
        try (ConversationStore store = ConversationStore.open(tmp.resolve("s"), MasterKey.generate())) {
            BadInputException e = assertThrows(BadInputException.class, () -> store.append("", "c", "m"));
            assertEquals("userId must be 1..256 characters, got 0 characters", e.getMessage());
            assertThrows(BadInputException.class, () -> store.append("u", "x".repeat(257), "m"));
            assertThrows(BadInputException.class, () -> store.append("u", "c", "x".repeat(ConversationStore.MAX_MESSAGE_CHARS + 1)));
        }
    }
}
