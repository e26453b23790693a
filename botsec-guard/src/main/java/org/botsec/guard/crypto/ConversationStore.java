package org.botsec.guard.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;
import org.botsec.guard.crypto.internal.TinkSetup;

/**
 * An embedded, append-only, encrypted store of chat messages: one directory holding {@code keys.json} (the
 * data keysets, encrypted by the {@link MasterKey}) and {@code records.log} (one line per message).
 *
 * <p>Each record (user id, conversation id, timestamp, message) is encrypted with Tink AEAD AES-256-GCM under a
 * data keyset (envelope encryption: the data keyset itself is stored only encrypted by the master key). The
 * associated data of every record is the pair (user id, conversation id), so a ciphertext copied into another
 * user's or conversation's place fails to decrypt. Next to each ciphertext the line keeps a lookup tag, an
 * HMAC-SHA256 (Tink MAC, a separate keyset also wrapped by the master key) of the same pair, so that reading one
 * conversation decrypts only its own records and the file does not show which records belong together.
 * {@link #rotateKey()} adds a new primary data key; records written under older keys stay readable because
 * Tink ciphertexts name the key that made them. {@link #rewrapKeys(MasterKey)} rotates the master key by
 * re-encrypting the data keysets only.
 *
 * <p><b>Security guarantees.</b> Confidentiality and integrity of every message, its timestamp and its
 * binding to a user and conversation (AES-256-GCM, 96-bit random nonces; Tink's limits apply, about 2^32
 * messages per data key, so rotate well before that). The file reveals the number of records, their
 * approximate lengths and the order of appends, and whether two records share a lookup tag (same user and
 * conversation). It does not protect against deletion or reordering of whole records or rollback of the
 * whole directory; pair it with the audit log for that. Opening a store with the wrong master key fails with a
 * {@link BadInputException} ("master key does not match the keyset ...") before any record is read. No
 * exception message carries key material or plaintext. All methods are thread-safe within one JVM; do not
 * open the same directory from two processes at once.
 */
public final class ConversationStore implements AutoCloseable {
    private static final String KEYS_FILE = "keys.json";
    private static final String RECORDS_FILE = "records.log";
    private static final String FORMAT = "botsec-conversation-store-v1";
    private static final byte[] AEAD_KEYSET_AD = "botsec/conversation-store/aead-keyset".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MAC_KEYSET_AD = "botsec/conversation-store/mac-keyset".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RECORD_AD_PREFIX = "botsec-conversation-record-v1".getBytes(StandardCharsets.UTF_8);
    /** Longest message accepted, in characters. */
    public static final int MAX_MESSAGE_CHARS = 1 << 20;
    private static final int MAX_ID_CHARS = 256;
    private static final int MAX_LINE_BYTES = 8 * MAX_MESSAGE_CHARS;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path keysFile;
    private final Path recordsFile;
    private MasterKey masterKey;
    private final Clock clock;
    private final KeysetHandle macKeyset;
    private final Mac mac;
    private KeysetHandle aeadKeyset;
    private Aead aead;
    private FileChannel channel;
    private long nextIndex;

    private ConversationStore(Path dir, MasterKey masterKey, Clock clock) throws IOException, GeneralSecurityException {
        this.dir = dir;
        this.keysFile = dir.resolve(KEYS_FILE);
        this.recordsFile = dir.resolve(RECORDS_FILE);
        this.masterKey = masterKey;
        this.clock = clock;
        Files.createDirectories(dir);
        if (Files.exists(keysFile)) {
            String text = SafeFiles.readSmallUtf8(keysFile, 1 << 20, "conversation store key file");
            JsonNode root;
            try {
                root = JSON.readTree(text);
            } catch (IOException e) {
                throw BadInputException.of("conversation store key file is not JSON: %s", keysFile);
            }
            if (root == null || !FORMAT.equals(root.path("format").asText())
                    || !root.path("aead_keyset").isTextual() || !root.path("mac_keyset").isTextual()) {
                throw BadInputException.of("not a BotSec conversation store key file (format %s expected): %s", FORMAT, keysFile);
            }
            this.aeadKeyset = unwrap(root.get("aead_keyset").asText(), AEAD_KEYSET_AD);
            this.macKeyset = unwrap(root.get("mac_keyset").asText(), MAC_KEYSET_AD);
        } else {
            this.aeadKeyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            this.macKeyset = KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG);
            writeKeys();
        }
        this.aead = aeadKeyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        this.mac = macKeyset.getPrimitive(RegistryConfiguration.get(), Mac.class);
        this.nextIndex = recoverRecordsFile();
        this.channel = FileChannel.open(recordsFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        SafeFiles.fsyncDirectory(dir);
    }

    /** Opens the store in {@code dir}, creating it (with fresh data keys) if it does not exist yet. */
    public static ConversationStore open(Path dir, MasterKey masterKey) {
        return open(dir, masterKey, Clock.systemUTC());
    }

    /** As {@link #open(Path, MasterKey)} with the clock that timestamps new records. */
    public static ConversationStore open(Path dir, MasterKey masterKey, Clock clock) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(clock, "clock");
        TinkSetup.ensureRegistered();
        try {
            return new ConversationStore(dir, masterKey, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open conversation store " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up the conversation store keys in " + dir, e);
        }
    }

    private KeysetHandle unwrap(String encryptedKeyset, byte[] ad) {
        try {
            return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(encryptedKeyset, masterKey.aead(), ad);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw BadInputException.of("master key does not match the keyset in %s (wrong master key, or the key file was modified)", keysFile);
        }
    }

    private void writeKeys() throws GeneralSecurityException, IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("aead_keyset", TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(aeadKeyset, masterKey.aead(), AEAD_KEYSET_AD));
        root.put("mac_keyset", TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(macKeyset, masterKey.aead(), MAC_KEYSET_AD));
        SafeFiles.writeAtomically(keysFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /** Counts complete records and cuts off a torn last line left by a crash during an append. */
    private long recoverRecordsFile() throws IOException {
        if (!Files.exists(recordsFile)) {
            return 0;
        }
        long complete = 0;
        long lastNewlineEnd = 0;
        long pos = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(recordsFile), 1 << 16)) {
            int b;
            while ((b = in.read()) >= 0) {
                pos++;
                if (b == '\n') {
                    complete++;
                    lastNewlineEnd = pos;
                }
            }
        }
        if (lastNewlineEnd < pos) {
            try (FileChannel ch = FileChannel.open(recordsFile, StandardOpenOption.WRITE)) {
                ch.truncate(lastNewlineEnd);
                ch.force(true);
            }
        }
        return complete;
    }

    private static String checkId(String value, String name) {
        if (value == null || value.isEmpty() || value.length() > MAX_ID_CHARS) {
            throw BadInputException.of("%s must be 1..%d characters, got %s", name, MAX_ID_CHARS,
                    value == null ? "null" : value.length() + " characters");
        }
        return value;
    }

    private static byte[] associatedData(String userId, String conversationId) {
        byte[] u = userId.getBytes(StandardCharsets.UTF_8);
        byte[] c = conversationId.getBytes(StandardCharsets.UTF_8);
        // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
        return ByteBuffer.allocate(RECORD_AD_PREFIX.length + 8 + u.length + c.length)
                .put(RECORD_AD_PREFIX).putInt(u.length).put(u).putInt(c.length).put(c).array();
    }

    /** Encrypts and appends one message (fsynced before returning); returns what was stored. */
    public synchronized StoredMessage append(String userId, String conversationId, String message) {
        checkId(userId, "userId");
        checkId(conversationId, "conversationId");
        Objects.requireNonNull(message, "message");
        if (message.length() > MAX_MESSAGE_CHARS) {
            throw BadInputException.of("message must be at most %d characters, got %d", MAX_MESSAGE_CHARS, message.length());
        }
        ensureOpen();
        Instant now = clock.instant();
        byte[] ad = associatedData(userId, conversationId);
        try {
            ObjectNode payload = JSON.createObjectNode();
            payload.put("user_id", userId);
            payload.put("conversation_id", conversationId);
            payload.put("timestamp", now.toString());
            payload.put("message", message);
            byte[] ciphertext = aead.encrypt(JSON.writeValueAsBytes(payload), ad);
            byte[] tag = mac.computeMac(ad);
            Base64.Encoder b64 = Base64.getEncoder();
            String line = "1 " + b64.encodeToString(tag) + " " + b64.encodeToString(ciphertext) + "\n";
            ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
            return new StoredMessage(nextIndex++, userId, conversationId, now, message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + recordsFile, e);
        }
    }

    /**
     * Decrypts all messages of one conversation, in append order. A record that carries this conversation's
     * lookup tag but fails authentication (modified, or moved from another user or conversation) stops the
     * read with a {@link BadInputException} naming its index.
     */
    public synchronized List<StoredMessage> read(String userId, String conversationId) {
        checkId(userId, "userId");
        checkId(conversationId, "conversationId");
        ensureOpen();
        byte[] ad = associatedData(userId, conversationId);
        byte[] wantedTag;
        try {
            wantedTag = mac.computeMac(ad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MAC failed", e);
        }
        List<StoredMessage> out = new ArrayList<>();
        Base64.Decoder b64 = Base64.getDecoder();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(recordsFile), 1 << 16)) {
            long index = 0;
            String line;
            while ((line = readLine(in, index)) != null) {
                String[] parts = line.split(" ", -1);
                if (parts.length != 3 || !parts[0].equals("1")) {
                    throw BadInputException.of("record %d of %s is not a version-1 record", index, recordsFile);
                }
                byte[] tag;
                byte[] ciphertext;
                try {
                    tag = b64.decode(parts[1]);
                    ciphertext = b64.decode(parts[2]);
                } catch (IllegalArgumentException e) {
                    throw BadInputException.of("record %d of %s is not valid base64", index, recordsFile);
                }
                if (MessageDigest.isEqual(tag, wantedTag)) {
                    out.add(decrypt(index, ciphertext, ad, userId, conversationId));
                }
                index++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + recordsFile, e);
        }
        return out;
    }

    private StoredMessage decrypt(long index, byte[] ciphertext, byte[] ad, String userId, String conversationId) {
        byte[] plain;
        try {
            plain = aead.decrypt(ciphertext, ad);
        } catch (GeneralSecurityException e) {
            throw BadInputException.of("record %d of %s failed authentication: it was modified or moved from another user or conversation",
                    index, recordsFile);
        }
        try {
            JsonNode node = JSON.readTree(plain);
            // Authenticated already; the ids inside must agree with the associated data.
            if (!userId.equals(node.path("user_id").asText()) || !conversationId.equals(node.path("conversation_id").asText())) {
                throw BadInputException.of("record %d of %s names another user or conversation", index, recordsFile);
            }
            return new StoredMessage(index, userId, conversationId, Instant.parse(node.path("timestamp").asText()),
                    node.path("message").asText());
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw BadInputException.of("record %d of %s decrypted but is not a valid record", index, recordsFile);
        }
    }

    /** Reads one '\n'-terminated line; an unterminated last line (torn append) is ignored. */
    private String readLine(InputStream in, long index) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return buf.toString(StandardCharsets.US_ASCII);
            }
            if (buf.size() >= MAX_LINE_BYTES) {
                throw BadInputException.of("record %d of %s is longer than %d bytes", index, recordsFile, MAX_LINE_BYTES);
            }
            buf.write(b);
        }
        return null;
    }

    /**
     * Adds a fresh AES-256-GCM key and makes it primary; new records use it, old records stay readable with
     * their own keys. The re-wrapped keyset replaces {@code keys.json} atomically.
     */
    public synchronized void rotateKey() {
        ensureOpen();
        try {
            KeysetHandle rotated = KeysetHandle.newBuilder(aeadKeyset)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
                    .build();
            Aead rotatedAead = rotated.getPrimitive(RegistryConfiguration.get(), Aead.class);
            KeysetHandle old = aeadKeyset;
            aeadKeyset = rotated;
            try {
                writeKeys();
            } catch (IOException | GeneralSecurityException e) {
                aeadKeyset = old;
                throw e;
            }
            aead = rotatedAead;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key rotation failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + keysFile, e);
        }
    }

    /**
     * Re-encrypts the data keysets under {@code newMasterKey} (master-key rotation): records are not touched,
     * {@code keys.json} is replaced atomically, and from then on only the new master key opens the store.
     */
    public synchronized void rewrapKeys(MasterKey newMasterKey) {
        Objects.requireNonNull(newMasterKey, "newMasterKey");
        ensureOpen();
        MasterKey old = masterKey;
        masterKey = newMasterKey;
        try {
            writeKeys();
        } catch (IOException e) {
            masterKey = old;
            throw new UncheckedIOException("cannot write " + keysFile, e);
        } catch (GeneralSecurityException e) {
            masterKey = old;
            throw new IllegalStateException("re-wrapping the keysets failed", e);
        }
    }

    /** Number of data keys (1 + number of rotations). */
    public synchronized int dataKeyCount() {
        return aeadKeyset.size();
    }

    /** Number of complete records in the store, over all users. */
    public synchronized long size() {
        return nextIndex;
    }

    /** The directory of this store. */
    public Path directory() {
        return dir;
    }

    private void ensureOpen() {
        if (channel == null) {
            throw new IllegalStateException("conversation store is closed: " + dir);
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + recordsFile, e);
            } finally {
                channel = null;
            }
        }
    }
}
