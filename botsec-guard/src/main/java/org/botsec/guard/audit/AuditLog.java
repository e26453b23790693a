package org.botsec.guard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
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
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardFindings;
import org.botsec.guard.Verdict;
import org.botsec.core.io.SafeFiles;
import org.botsec.guard.crypto.internal.TinkSetup;

/**
 * An append-only, tamper-evident log of guard verdicts in JSON lines.
 *
 * <p>Line 0 is a header naming the format and holding the Ed25519 public key; every later line is either an
 * {@code entry} (index, timestamp, direction, verdict, action, finding types, SHA-256 of the scanned text) or a
 * {@code checkpoint}. Every line carries {@code prev}, the hash of the line before, and {@code hash}, the
 * SHA-256 of the line's own content including {@code prev} (the line as written minus its {@code hash} field),
 * so changing, inserting, deleting or reordering any record breaks the chain at that point (Haber and
 * Stornetta, "How to time-stamp a digital document", J. Cryptology 1991). Every {@code checkpointEvery}
 * entries, and on {@link #close()}, a checkpoint signs the chain head with Ed25519 (Tink
 * {@code PublicKeySign}), so that someone who edits the log and recomputes all hashes is still caught by a
 * verifier holding the public key.
 *
 * <p>Appends are crash-safe: each record is written with one write call and made durable with
 * {@link FileChannel#force(boolean)} before {@link #append} returns. A crash can leave only the record being
 * written incomplete; {@link #verify} reports such a torn last line, and {@link #open} cuts it off before
 * appending again.
 *
 * <p><b>Security guarantees.</b> Against anyone without the private key, and for a verifier with a trusted
 * copy of the public key: any modification, insertion, deletion or reordering of records up to the last
 * checkpoint is detected and the first bad index named; records after the last checkpoint are protected by the
 * hash chain only, so an attacker can rewrite or drop them undetectably (the result reports how many are
 * unsigned), and can truncate the log back to any checkpoint; detecting that needs the last checkpoint's index
 * or hash kept elsewhere (e.g. shipped to a log server). Without a trusted public key, {@link #verify(Path)}
 * uses the key in the header and so only proves internal consistency. The log never holds the scanned text,
 * only its SHA-256, which still lets someone confirm a guessed short message. One {@code AuditLog} instance is
 * thread-safe; do not open the same file from two processes.
 */
public final class AuditLog implements AutoCloseable {
    /** Format name written in the header. */
    public static final String FORMAT = "botsec-audit-v1";
    static final int MAX_LINE_BYTES = 64 * 1024;
    private static final int MAX_FINDING_TYPES = 64;
    private static final String ZERO_HASH = "0".repeat(64);
    private static final String HASH_SUFFIX_START = ",\"hash\":\"";
    private static final int HASH_SUFFIX_LENGTH = HASH_SUFFIX_START.length() + 64 + 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final Path file;
    private final AuditSigningKey key;
    private final int checkpointEvery;
    private final Clock clock;
    private FileChannel channel;
    private long nextIndex;
    private String lastHash;
    private int entriesSinceCheckpoint;

    private AuditLog(Path file, AuditSigningKey key, int checkpointEvery, Clock clock) {
        this.file = file;
        this.key = key;
        this.checkpointEvery = checkpointEvery;
        this.clock = clock;
    }

    /** Opens (or creates) a log that signs a checkpoint every 100 entries. */
    public static AuditLog open(Path file, AuditSigningKey key) {
        return open(file, key, 100, Clock.systemUTC());
    }

    /**
     * Opens {@code file} for appending, creating it with a header if it does not exist. An existing log is
     * verified first against {@code key}'s public key; a torn last line is cut off, any other damage is refused.
     */
    public static AuditLog open(Path file, AuditSigningKey key, int checkpointEvery, Clock clock) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clock, "clock");
        if (checkpointEvery < 1 || checkpointEvery > 1_000_000) {
            throw BadInputException.of("checkpointEvery must be in 1..1000000, got %d", checkpointEvery);
        }
        AuditLog log = new AuditLog(file, key, checkpointEvery, clock);
        try {
            log.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + file, e);
        }
        return log;
    }

    private void start() throws IOException {
        if (Files.exists(file) && Files.size(file) > 0) {
            Scan scan = scan(file, key.exportPublicKeyJson());
            if (!scan.result.valid()) {
                throw BadInputException.of("audit log %s is not valid, refusing to append: %s", file, scan.result.reason());
            }
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            if (scan.result.tornTail()) {
                channel.truncate(scan.goodBytes);
                channel.force(true);
            }
            channel.position(channel.size());
            nextIndex = scan.result.records();
            lastHash = scan.lastHash;
            entriesSinceCheckpoint = (int) Math.min(Integer.MAX_VALUE, scan.entriesSinceCheckpoint);
        } else {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            SafeFiles.fsyncDirectory(file.toAbsolutePath().getParent());
            nextIndex = 0;
            lastHash = ZERO_HASH;
            ObjectNode header = base("header");
            header.put("format", FORMAT);
            header.put("checkpoint_every", checkpointEvery);
            header.put("public_key", Base64.getEncoder().encodeToString(key.exportPublicKeyJson().getBytes(StandardCharsets.UTF_8)));
            write(header);
        }
    }

    private ObjectNode base(String type) {
        ObjectNode node = JSON.createObjectNode();
        node.put("index", nextIndex);
        node.put("type", type);
        node.put("ts", clock.instant().toString());
        return node;
    }

    /**
     * Appends one verdict. {@code action} is a short lower-case label of what the caller did (e.g.
     * {@code scan}, {@code proxy_request}); {@code text} is hashed, never stored.
     */
    public synchronized AuditRecord append(Direction direction, Verdict verdict, String text, String action) {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(text, "text");
        if (action == null || !action.matches("[a-z][a-z0-9_]{0,31}")) {
            throw BadInputException.of("action must match [a-z][a-z0-9_]{0,31}, got %s", action);
        }
        ensureOpen();
        ObjectNode node = base("entry");
        node.put("direction", direction.name().toLowerCase(Locale.ROOT));
        node.put("verdict", verdict.action().name().toLowerCase(Locale.ROOT));
        node.put("action", action);
        Set<String> types = new LinkedHashSet<>();
        for (Finding f : verdict.findings()) {
            if (types.size() >= MAX_FINDING_TYPES) {
                break;
            }
            String t = GuardFindings.entityType(f); // the same type names as before Finding, so old and new logs read alike
            types.add(t.length() > 64 ? t.substring(0, 64) : t);
        }
        ArrayNode arr = node.putArray("findings");
        types.forEach(arr::add);
        node.put("text_sha256", HEX.formatHex(sha256(text.getBytes(StandardCharsets.UTF_8))));
        AuditRecord rec = write(node);
        entriesSinceCheckpoint++;
        if (entriesSinceCheckpoint >= checkpointEvery) {
            checkpoint();
        }
        return rec;
    }

    /** Signs the current chain head now (also done every {@code checkpointEvery} entries and on close). */
    public synchronized AuditRecord checkpoint() {
        ensureOpen();
        ObjectNode node = base("checkpoint");
        node.put("entries", entriesSinceCheckpoint);
        node.put("signature", Base64.getEncoder().encodeToString(key.sign(signedBytes(nextIndex, lastHash))));
        AuditRecord rec = write(node);
        entriesSinceCheckpoint = 0;
        return rec;
    }

    private static byte[] signedBytes(long index, String prevHash) {
        return ("botsec-audit-checkpoint-v1\n" + index + "\n" + prevHash).getBytes(StandardCharsets.UTF_8);
    }

    private AuditRecord write(ObjectNode node) {
        node.put("prev", lastHash);
        String content;
        try {
            content = JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise audit record", e);
        }
        String hash = HEX.formatHex(sha256(content.getBytes(StandardCharsets.UTF_8)));
        String line = content.substring(0, content.length() - 1) + HASH_SUFFIX_START + hash + "\"}\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_LINE_BYTES) {
            throw new IllegalStateException("audit record longer than " + MAX_LINE_BYTES + " bytes");
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to audit log " + file, e);
        }
        AuditRecord rec = new AuditRecord(nextIndex, hash);
        nextIndex++;
        lastHash = hash;
        return rec;
    }

    /** Number of records written so far, including header and checkpoints (= index of the next record). */
    public synchronized long size() {
        return nextIndex;
    }

    /** The log file. */
    public Path file() {
        return file;
    }

    private void ensureOpen() {
        if (channel == null) {
            throw new IllegalStateException("audit log is closed: " + file);
        }
    }

    /** Writes a final checkpoint if entries were appended since the last one, then closes the file. */
    @Override
    public synchronized void close() {
        if (channel == null) {
            return;
        }
        try {
            if (entriesSinceCheckpoint > 0) {
                checkpoint();
            }
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close audit log " + file, e);
        } finally {
            channel = null;
        }
    }

    /**
     * Verifies a log using the public key in its own header: proves the log is internally consistent, but not
     * that it was not rewritten wholesale with another key. Prefer {@link #verify(Path, String)}.
     */
    public static VerifyResult verify(Path file) {
        return verify(file, null);
    }

    /**
     * Verifies a log against a trusted public key (Tink JSON public keyset, as written by
     * {@link AuditSigningKey#writePublicKey}); {@code null} means "use the key in the header". A missing or
     * unreadable file is a {@link BadInputException}; damage inside the file gives an invalid result.
     */
    public static VerifyResult verify(Path file, String trustedPublicKeyJson) {
        if (!Files.isRegularFile(file)) {
            throw BadInputException.of("audit log not found or not a regular file: %s", file);
        }
        try {
            return scan(file, trustedPublicKeyJson).result;
        } catch (IOException e) {
            throw BadInputException.of("cannot read audit log %s: %s", file, e.getMessage());
        }
    }

    private record Scan(VerifyResult result, long goodBytes, String lastHash, long entriesSinceCheckpoint) {
    }

    private static final class State {
        long index;
        long entries;
        String prevHash = ZERO_HASH;
        long lastCheckpoint = -1;
        long entriesSinceCheckpoint;
        long goodBytes;
        PublicKeyVerify verifier;

        Scan bad(String reason) {
            return new Scan(new VerifyResult(false, index, entries, index, reason, false, lastCheckpoint,
                    index - lastCheckpoint - 1), goodBytes, prevHash, entriesSinceCheckpoint);
        }
    }

    private static Scan scan(Path file, String trustedPublicKeyJson) throws IOException {
        PublicKeyVerify trusted = trustedPublicKeyJson == null ? null
                : AuditSigningKey.verifierFromJson(trustedPublicKeyJson, "trusted public key");
        State st = new State();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
            boolean tooLong = false;
            int b;
            while (true) {
                b = in.read();
                if (b < 0) {
                    break;
                }
                if (b != '\n') {
                    if (buf.size() < MAX_LINE_BYTES) {
                        buf.write(b);
                    } else {
                        tooLong = true;
                    }
                    continue;
                }
                if (tooLong) {
                    return st.bad("record " + st.index + " is longer than " + MAX_LINE_BYTES + " bytes");
                }
                byte[] lineBytes = buf.toByteArray();
                buf.reset();
                String problem = checkLine(lineBytes, st, trusted, trustedPublicKeyJson);
                if (problem != null) {
                    return st.bad(problem);
                }
                st.goodBytes += lineBytes.length + 1;
                st.index++;
            }
            boolean torn = buf.size() > 0 || tooLong;
            if (st.index == 0) {
                if (torn) {
                    return new Scan(new VerifyResult(false, 0, 0, 0, "the header line is incomplete", true, -1, 0), 0, ZERO_HASH, 0);
                }
                return new Scan(new VerifyResult(false, 0, 0, 0, "the log is empty", false, -1, 0), 0, ZERO_HASH, 0);
            }
            long unsigned = st.index - st.lastCheckpoint - 1;
            String reason = String.format(Locale.ROOT, "%d records (%d entries) verified; last signed checkpoint at %d; %d record(s) after it%s",
                    st.index, st.entries, st.lastCheckpoint, unsigned,
                    torn ? "; the last line is incomplete (torn write, " + (buf.size()) + " bytes) and was not counted" : "");
            return new Scan(new VerifyResult(true, st.index, st.entries, -1, reason, torn, st.lastCheckpoint, unsigned),
                    st.goodBytes, st.prevHash, st.entriesSinceCheckpoint);
        }
    }

    /** Checks one complete line; returns null when good (and advances the state), else the reason. */
    private static String checkLine(byte[] lineBytes, State st, PublicKeyVerify trusted, String trustedJson) {
        long i = st.index;
        String line = new String(lineBytes, StandardCharsets.UTF_8);
        if (line.length() <= HASH_SUFFIX_LENGTH || !line.endsWith("\"}")
                || !line.startsWith(HASH_SUFFIX_START, line.length() - HASH_SUFFIX_LENGTH)) {
            return "record " + i + " does not end with a hash field (damaged or edited line)";
        }
        String claimedHash = line.substring(line.length() - 66, line.length() - 2);
        String content = line.substring(0, line.length() - HASH_SUFFIX_LENGTH) + "}";
        String actualHash = HEX.formatHex(sha256(content.getBytes(StandardCharsets.UTF_8)));
        JsonNode node;
        try {
            node = JSON.readTree(content);
        } catch (IOException e) {
            return "record " + i + " is not valid JSON";
        }
        if (node == null || !node.isObject()) {
            return "record " + i + " is not a JSON object";
        }
        if (!node.path("index").canConvertToLong() || node.path("index").asLong() != i) {
            return "record " + i + " carries index " + node.path("index").asText("?")
                    + ": a record was inserted, deleted or reordered here";
        }
        if (!st.prevHash.equals(node.path("prev").asText())) {
            return "record " + i + " does not chain to the record before it (inserted, deleted, reordered or modified)";
        }
        if (!MessageDigest.isEqual(claimedHash.getBytes(StandardCharsets.US_ASCII), actualHash.getBytes(StandardCharsets.US_ASCII))) {
            return "record " + i + " was modified (its content does not match its hash)";
        }
        String type = node.path("type").asText();
        if (i == 0) {
            if (!"header".equals(type) || !FORMAT.equals(node.path("format").asText())) {
                return "record 0 is not a " + FORMAT + " header";
            }
            String embedded;
            try {
                embedded = new String(Base64.getDecoder().decode(node.path("public_key").asText()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "record 0 has a public key that is not base64";
            }
            try {
                st.verifier = AuditSigningKey.verifierFromJson(embedded, "the header's public key");
            } catch (BadInputException e) {
                return "record 0: " + e.getMessage();
            }
            if (trusted != null) {
                if (!samePublicKey(embedded, trustedJson)) {
                    return "record 0 names a different signing key than the trusted public key (the log was re-signed or the key is wrong)";
                }
                st.verifier = trusted;
            }
        } else if ("entry".equals(type)) {
            st.entries++;
            st.entriesSinceCheckpoint++;
        } else if ("checkpoint".equals(type)) {
            byte[] sig;
            try {
                sig = Base64.getDecoder().decode(node.path("signature").asText());
            } catch (IllegalArgumentException e) {
                return "record " + i + " has a signature that is not base64";
            }
            try {
                st.verifier.verify(sig, signedBytes(i, st.prevHash));
            } catch (GeneralSecurityException e) {
                return "record " + i + " is a checkpoint whose signature does not verify";
            }
            if (node.path("entries").asLong(-1) != st.entriesSinceCheckpoint) {
                return "record " + i + " is a checkpoint covering " + node.path("entries").asText()
                        + " entries, but " + st.entriesSinceCheckpoint + " precede it";
            }
            st.lastCheckpoint = i;
            st.entriesSinceCheckpoint = 0;
        } else {
            return "record " + i + " has unknown type " + (type.length() > 20 ? type.substring(0, 20) : type);
        }
        st.prevHash = actualHash;
        return null;
    }

    private static boolean samePublicKey(String a, String b) {
        try {
            return TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(a)
                    .equalsKeyset(TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(b));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    static {
        TinkSetup.ensureRegistered();
    }
}
