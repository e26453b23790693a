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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardFindings;
import org.botsec.guard.Verdict;
import org.botsec.core.files.SafeFiles;
import org.botsec.guard.crypto.internal.TinkSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Appends are crash-safe: {@link #append} returns only after its record is durable
 * ({@link FileChannel#force(boolean)} has returned for the bytes holding it). Records are made durable by group
 * commit (Gray and Reuter, "Transaction Processing", 1993, section 9.4.7; the leader/follower form of
 * Helland et al., "Group Commit Timers and High Volume Transaction Systems", HPTS 1987): the thread that finds
 * no write in flight becomes the leader, takes every record queued so far, writes them with one write call and
 * one fsync, and wakes their appenders; records queued meanwhile go into the next batch. No timer is involved:
 * a record waits at most for the fsync in flight plus its own, and a batch holds at most one record (and one
 * checkpoint) per appending thread. A crash can leave only the batch being written incomplete, and none of its
 * records was acknowledged; {@link #verify} reports such a torn last line (no final newline, or a final line
 * without even the shape of a record), and {@link #open} cuts it off before
 * appending again (logged at WARN, with sizes only). A write or fsync that fails cuts the file back to the last
 * durable record and fails every record not yet durable, so nothing is ever appended onto a torn line; if even
 * the cut fails, the instance refuses further appends and the next {@link #open} recovers.
 *
 * <p><b>Security guarantees.</b> Against anyone without the private key, and for a verifier with a trusted
 * copy of the public key: any modification, insertion, deletion or reordering of records up to the last
 * checkpoint is detected and the first bad index named; records after the last checkpoint are protected by the
 * hash chain only, so an attacker can rewrite or drop them undetectably (the result reports how many are
 * unsigned), and can truncate the log back to any checkpoint; detecting that needs the last checkpoint's index
 * and hash kept elsewhere: a {@link WitnessFile} given to {@link #open(Path, AuditSigningKey, WitnessFile)}
 * receives every checkpoint once it is durable, and {@link #verify(Path, String, Path)} then detects a log cut
 * back to before the last witnessed checkpoint. Without a trusted public key, {@link #verify(Path)}
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

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    /** Records queued for one write call and one fsync; its appenders wait until it is done or failed. */
    private static final class Batch {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        int records;
        boolean done;
        RuntimeException failure;
        long endIndex;
        String endHash;
        int endEntriesSinceCheckpoint;
    }

    private final Path file;
    private final AuditSigningKey key;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition batchFinished = lock.newCondition();
    private final int checkpointEvery;
    private final Clock clock;
    private final WitnessFile witness;
    private String headerHash;
    private FileChannel channel;
    private long nextIndex;
    private String lastHash;
    private int entriesSinceCheckpoint;
    // Guarded by lock. The chain state above (nextIndex, lastHash, entriesSinceCheckpoint) includes queued
    // records; the durable* fields describe what is on disk and are what a failed batch rolls back to.
    private Batch pending = new Batch();
    private boolean flushing;
    private long durableBytes;
    private long durableIndex;
    private String durableHash;
    private int durableEntriesSinceCheckpoint;
    private String broken;
    /** Test hook: when >= 0, the next batch writes only this many bytes and then fails. */
    private int failNextWriteAfterBytes = -1;

    private AuditLog(Path file, AuditSigningKey key, int checkpointEvery, Clock clock, WitnessFile witness) {
        this.file = file;
        this.key = key;
        this.checkpointEvery = checkpointEvery;
        this.clock = clock;
        this.witness = witness;
    }

    /**
     * Opens (or creates) a log that signs a checkpoint every 100 entries and appends each checkpoint to
     * {@code witness} once it is durable. An existing log that does not hold every checkpoint the witness names
     * (it was cut back, or replaced) is refused.
     */
    public static AuditLog open(Path file, AuditSigningKey key, WitnessFile witness) {
        return open(file, key, 100, Clock.systemUTC(), Objects.requireNonNull(witness, "witness"));
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
        return open(file, key, checkpointEvery, clock, null);
    }

    /** As {@link #open(Path, AuditSigningKey, int, Clock)}, with a witness ({@code null} for none). */
    public static AuditLog open(Path file, AuditSigningKey key, int checkpointEvery, Clock clock, WitnessFile witness) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clock, "clock");
        if (checkpointEvery < 1 || checkpointEvery > 1_000_000) {
            throw BadInputException.of("checkpointEvery must be in 1..1000000, got %d", checkpointEvery);
        }
        AuditLog log = new AuditLog(file, key, checkpointEvery, clock, witness);
        try {
            log.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + file, e);
        }
        return log;
    }

    private void start() throws IOException {
        if (Files.exists(file) && Files.size(file) > 0) {
            List<WitnessFile.Entry> witnessed = witness == null ? List.of() : witness.read();
            Scan scan = scan(file, key.exportPublicKeyJson(), witnessed);
            if (!scan.result.valid()) {
                throw BadInputException.of("audit log %s is not valid, refusing to append: %s", file, scan.result.reason());
            }
            headerHash = scan.headerHash;
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            long size = channel.size();
            if (scan.result.tornTail() || size != scan.goodBytes) {
                // Sizes only: the cut bytes belong to an unacknowledged record and are not shown.
                LOG.warn("audit log {}: the last line is not a whole record (torn write, {} bytes); cut back to {} bytes, {} records",
                        file, size - scan.goodBytes, scan.goodBytes, scan.result.records());
                channel.truncate(scan.goodBytes);
                channel.force(true);
            }
            channel.position(scan.goodBytes);
            nextIndex = scan.result.records();
            lastHash = scan.lastHash;
            entriesSinceCheckpoint = (int) Math.min(Integer.MAX_VALUE, scan.entriesSinceCheckpoint);
            markDurable(scan.goodBytes);
        } else {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            SafeFiles.fsyncDirectory(file.toAbsolutePath().getParent());
            nextIndex = 0;
            lastHash = ZERO_HASH;
            markDurable(0);
            ObjectNode header = base("header");
            header.put("format", FORMAT);
            header.put("checkpoint_every", checkpointEvery);
            header.put("public_key", Base64.getEncoder().encodeToString(key.exportPublicKeyJson().getBytes(StandardCharsets.UTF_8)));
            lock.lock();
            try {
                headerHash = enqueue(header).hash();
                awaitDurable(pending);
            } finally {
                lock.unlock();
            }
        }
    }

    private void markDurable(long bytes) {
        durableBytes = bytes;
        durableIndex = nextIndex;
        durableHash = lastHash;
        durableEntriesSinceCheckpoint = entriesSinceCheckpoint;
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
    public AuditRecord append(Direction direction, Verdict verdict, String text, String action) {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(text, "text");
        if (action == null || !action.matches("[a-z][a-z0-9_]{0,31}")) {
            throw BadInputException.of("action must match [a-z][a-z0-9_]{0,31}, got %s", action);
        }
        String textHash = HEX.formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
        lock.lock();
        try {
            ensureOpen();
            AuditRecord rec = enqueue(entry(direction, verdict, action, textHash));
            entriesSinceCheckpoint++;
            AuditRecord checkpoint = entriesSinceCheckpoint >= checkpointEvery ? enqueueCheckpoint() : null;
            awaitDurable(pending);
            if (checkpoint != null) {
                witness(checkpoint);
            }
            return rec;
        } finally {
            lock.unlock();
        }
    }

    private ObjectNode entry(Direction direction, Verdict verdict, String action, String textHash) {
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
        node.put("text_sha256", textHash);
        return node;
    }

    /** Signs the current chain head now (also done every {@code checkpointEvery} entries and on close). */
    public AuditRecord checkpoint() {
        lock.lock();
        try {
            ensureOpen();
            AuditRecord rec = enqueueCheckpoint();
            awaitDurable(pending);
            witness(rec);
            return rec;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands a durable checkpoint to the witness (lock held, so witness lines are in log order). A witness that
     * cannot be written fails the append: the record is in the log, but its anchor is missing.
     */
    private void witness(AuditRecord checkpoint) {
        if (witness != null) {
            witness.record(headerHash, checkpoint);
        }
    }

    private AuditRecord enqueueCheckpoint() {
        ObjectNode node = base("checkpoint");
        node.put("entries", entriesSinceCheckpoint);
        node.put("signature", Base64.getEncoder().encodeToString(key.sign(signedBytes(nextIndex, lastHash))));
        AuditRecord rec = enqueue(node);
        entriesSinceCheckpoint = 0;
        return rec;
    }

    private static byte[] signedBytes(long index, String prevHash) {
        return ("botsec-audit-checkpoint-v1\n" + index + "\n" + prevHash).getBytes(StandardCharsets.UTF_8);
    }

    /** Chains {@code node} onto the head and queues its line in the pending batch (lock held). */
    private AuditRecord enqueue(ObjectNode node) {
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
        pending.bytes.write(bytes, 0, bytes.length);
        pending.records++;
        AuditRecord rec = new AuditRecord(nextIndex, hash);
        nextIndex++;
        lastHash = hash;
        return rec;
    }

    /**
     * Returns once {@code batch} is durable, leading the write of the pending batch whenever no write is in
     * flight (lock held; released only around the write and fsync).
     */
    private void awaitDurable(Batch batch) {
        while (!batch.done && batch.failure == null) {
            if (!flushing) {
                flushPending();
            } else {
                batchFinished.awaitUninterruptibly();
            }
        }
        if (batch.failure != null) {
            throw batch.failure;
        }
    }

    private void flushPending() {
        Batch b = pending;
        if (b.records == 0) {
            b.done = true;
            return;
        }
        b.endIndex = nextIndex;
        b.endHash = lastHash;
        b.endEntriesSinceCheckpoint = entriesSinceCheckpoint;
        pending = new Batch();
        flushing = true;
        byte[] bytes = b.bytes.toByteArray();
        int failAfter = failNextWriteAfterBytes;
        failNextWriteAfterBytes = -1;
        IOException error = null;
        lock.unlock();
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes, 0, failAfter >= 0 ? Math.min(failAfter, bytes.length) : bytes.length);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            if (failAfter >= 0) {
                throw new IOException("injected write failure after " + failAfter + " bytes");
            }
            channel.force(false);
        } catch (IOException e) {
            error = e;
        } finally {
            lock.lock();
            flushing = false;
        }
        if (error == null) {
            durableBytes += bytes.length;
            durableIndex = b.endIndex;
            durableHash = b.endHash;
            durableEntriesSinceCheckpoint = b.endEntriesSinceCheckpoint;
            b.done = true;
        } else {
            rollBack(b, error);
        }
        batchFinished.signalAll();
    }

    /**
     * After a failed write: cut the file back to the last durable record (so nothing is ever appended onto a
     * torn line), fail this batch and the one queued behind it (its records chain onto the failed ones), and
     * continue the chain from the durable head.
     */
    private void rollBack(Batch failed, IOException error) {
        RuntimeException failure = new UncheckedIOException("cannot append to audit log " + file, error);
        failed.failure = failure;
        pending.failure = failure;
        pending = new Batch();
        nextIndex = durableIndex;
        lastHash = durableHash;
        entriesSinceCheckpoint = durableEntriesSinceCheckpoint;
        try {
            channel.truncate(durableBytes);
            channel.position(durableBytes);
            channel.force(true);
            LOG.warn("audit log {}: a write failed ({}); cut back to {} bytes, {} records", file,
                    error.getClass().getSimpleName(), durableBytes, durableIndex);
        } catch (IOException e) {
            broken = "a failed write could not be cut off (" + e.getClass().getSimpleName() + "); reopen the log to recover";
            LOG.warn("audit log {}: {}", file, broken);
        }
    }

    /** Test hook: the next batch writes only {@code bytes} bytes, then fails as a full disk would. */
    void failNextWriteAfter(int bytes) {
        lock.lock();
        try {
            failNextWriteAfterBytes = bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Number of records written so far, including header and checkpoints (= index of the next record). */
    public long size() {
        lock.lock();
        try {
            return nextIndex;
        } finally {
            lock.unlock();
        }
    }

    /** The log file. */
    public Path file() {
        return file;
    }

    private void ensureOpen() {
        if (channel == null) {
            throw new IllegalStateException("audit log is closed: " + file);
        }
        if (broken != null) {
            throw new IllegalStateException("audit log " + file + " is unusable: " + broken);
        }
    }

    /** Writes a final checkpoint if entries were appended since the last one, then closes the file. */
    @Override
    public void close() {
        lock.lock();
        try {
            while (flushing) {
                batchFinished.awaitUninterruptibly();
            }
            if (channel == null) {
                return;
            }
            try {
                if (broken == null && entriesSinceCheckpoint > 0) {
                    AuditRecord rec = enqueueCheckpoint();
                    awaitDurable(pending);
                    witness(rec);
                }
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close audit log " + file, e);
            } finally {
                channel = null;
            }
        } finally {
            lock.unlock();
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
        return verify(file, trustedPublicKeyJson, (Path) null);
    }

    /**
     * Verifies a log as {@link #verify(Path, String)} does and, when {@code witnessFile} is not null, against
     * the checkpoints a {@link WitnessFile} recorded: the log must still hold each witnessed checkpoint with the
     * same hash, under the same header. A log cut back to before the last witnessed checkpoint is reported as not
     * valid, its first bad index being the first missing record. A file that is not an audit log at all (its
     * first line is not a {@value #FORMAT} header) or a witness file that is not one is a
     * {@link BadInputException}.
     */
    public static VerifyResult verify(Path file, String trustedPublicKeyJson, Path witnessFile) {
        if (!Files.isRegularFile(file)) {
            throw BadInputException.of("audit log not found or not a regular file: %s", file);
        }
        List<WitnessFile.Entry> witnessed = witnessFile == null ? List.of() : WitnessFile.at(witnessFile).read();
        if (witnessFile != null && witnessed.isEmpty()) {
            throw BadInputException.of("audit witness %s holds no checkpoint", witnessFile);
        }
        try {
            Scan scan = scan(file, trustedPublicKeyJson, witnessed);
            if (!scan.result.valid() && scan.result.records() == 0) {
                requireAuditLogShape(file);
            }
            return scan.result;
        } catch (IOException e) {
            throw BadInputException.of("cannot read audit log %s: %s", file, e.getMessage());
        }
    }

    /** Bad input (exit 2), not tampering: an empty file, or one whose first line is not a header of this format. */
    private static void requireAuditLogShape(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(MAX_LINE_BYTES);
        }
        if (head.length == 0) {
            throw BadInputException.of("%s is not an audit log: the file is empty", file);
        }
        int nl = 0;
        while (nl < head.length && head[nl] != '\n') {
            nl++;
        }
        JsonNode first = null;
        try {
            first = JSON.readTree(new String(head, 0, nl, StandardCharsets.UTF_8));
        } catch (IOException e) {
            first = null;
        }
        if (first == null || !first.isObject() || !FORMAT.equals(first.path("format").asText()) || !"header".equals(first.path("type").asText())) {
            throw BadInputException.of("%s is not an audit log: its first line is not a %s header", file, FORMAT);
        }
    }

    private record Scan(VerifyResult result, long goodBytes, String lastHash, long entriesSinceCheckpoint, String headerHash,
                        Map<Long, String> witnessedHashes) {
    }

    private static final class State {
        long index;
        long entries;
        String prevHash = ZERO_HASH;
        long lastCheckpoint = -1;
        long entriesSinceCheckpoint;
        long goodBytes;
        PublicKeyVerify verifier;
        String headerHash;
        /** Hashes of the records at the witnessed indices, as found. */
        final Map<Long, String> witnessedHashes = new HashMap<>();
        Set<Long> wanted = Set.of();

        Scan bad(String reason) {
            return bad(index, reason);
        }

        Scan bad(long at, String reason) {
            return new Scan(new VerifyResult(false, index, entries, at, reason, false, lastCheckpoint,
                    index - lastCheckpoint - 1), goodBytes, prevHash, entriesSinceCheckpoint, headerHash, Map.of());
        }
    }

    private static Scan scan(Path file, String trustedPublicKeyJson, List<WitnessFile.Entry> witnessed) throws IOException {
        Scan scan = scan(file, trustedPublicKeyJson, witnessed.stream().map(WitnessFile.Entry::index).collect(java.util.stream.Collectors.toSet()));
        if (!scan.result.valid() || witnessed.isEmpty()) {
            return scan;
        }
        return checkWitness(scan, witnessed);
    }

    /**
     * The log against its witness: same header, and every witnessed checkpoint still present with its hash. The
     * check runs on a log whose chain already verified, so a missing checkpoint means the log was cut back.
     */
    private static Scan checkWitness(Scan scan, List<WitnessFile.Entry> witnessed) {
        VerifyResult r = scan.result;
        long last = -1;
        for (WitnessFile.Entry e : witnessed) {
            last = Math.max(last, e.index());
        }
        for (WitnessFile.Entry e : witnessed) {
            if (!e.log().equals(scan.headerHash)) {
                return invalid(scan, 0, "the log's header is not the one its witness names (the log was replaced or re-created)");
            }
        }
        if (last >= r.records()) {
            return invalid(scan, r.records(), String.format(Locale.ROOT,
                    "the log ends at record %d but its witness holds checkpoint %d: records %d..%d were cut off (truncation)",
                    r.records() - 1, last, r.records(), last));
        }
        for (WitnessFile.Entry e : witnessed) {
            if (!e.hash().equals(scan.witnessedHashes.get(e.index()))) {
                return invalid(scan, e.index(), "record " + e.index() + " is not the checkpoint its witness holds (the log was rewritten from there)");
            }
        }
        String reason = r.reason() + String.format(Locale.ROOT, "; witness: %d checkpoint(s) present, the last at %d", witnessed.size(), last);
        return new Scan(new VerifyResult(true, r.records(), r.entries(), -1, reason, r.tornTail(), r.lastCheckpointIndex(),
                r.unsignedRecords()), scan.goodBytes, scan.lastHash, scan.entriesSinceCheckpoint, scan.headerHash, scan.witnessedHashes);
    }

    private static Scan invalid(Scan scan, long at, String reason) {
        VerifyResult r = scan.result;
        return new Scan(new VerifyResult(false, r.records(), r.entries(), at, reason, r.tornTail(), r.lastCheckpointIndex(),
                r.unsignedRecords()), scan.goodBytes, scan.lastHash, scan.entriesSinceCheckpoint, scan.headerHash, scan.witnessedHashes);
    }

    private static Scan scan(Path file, String trustedPublicKeyJson, Set<Long> wanted) throws IOException {
        PublicKeyVerify trusted = trustedPublicKeyJson == null ? null
                : AuditSigningKey.verifierFromJson(trustedPublicKeyJson, "trusted public key");
        State st = new State();
        st.wanted = wanted;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
            boolean tooLong = false;
            long tornBytes = 0;
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
                in.mark(1);
                boolean lastLine = in.read() < 0;
                in.reset();
                if (tooLong) {
                    return st.bad("record " + st.index + " is longer than " + MAX_LINE_BYTES + " bytes");
                }
                byte[] lineBytes = buf.toByteArray();
                buf.reset();
                String problem = checkLine(lineBytes, st, trusted, trustedPublicKeyJson);
                if (problem != null) {
                    if (lastLine && !wholeRecordShape(lineBytes)) {
                        // A torn batch whose final newline reached the disk before the bytes in front of it
                        // (e.g. a zero-filled block): the last line is not a whole record, as for a missing newline.
                        tornBytes = lineBytes.length + 1L;
                        break;
                    }
                    return st.bad(problem);
                }
                st.goodBytes += lineBytes.length + 1;
                st.index++;
            }
            tornBytes += buf.size();
            boolean torn = tornBytes > 0 || tooLong;
            if (st.index == 0) {
                if (torn) {
                    return new Scan(new VerifyResult(false, 0, 0, 0, "the header line is incomplete", true, -1, 0), 0, ZERO_HASH, 0, null, Map.of());
                }
                return new Scan(new VerifyResult(false, 0, 0, 0, "the log is empty", false, -1, 0), 0, ZERO_HASH, 0, null, Map.of());
            }
            long unsigned = st.index - st.lastCheckpoint - 1;
            String reason = String.format(Locale.ROOT, "%d records (%d entries) verified; last signed checkpoint at %d; %d record(s) after it%s",
                    st.index, st.entries, st.lastCheckpoint, unsigned,
                    torn ? "; the last line is incomplete (torn write, " + tornBytes + " bytes) and was not counted" : "");
            return new Scan(new VerifyResult(true, st.index, st.entries, -1, reason, torn, st.lastCheckpoint, unsigned),
                    st.goodBytes, st.prevHash, st.entriesSinceCheckpoint, st.headerHash, st.witnessedHashes);
        }
    }

    /**
     * Whether a line has the shape of a record as written (a JSON object ending in the hash field). A last line
     * without it is a torn write; one with it that fails a check was changed after writing.
     */
    private static boolean wholeRecordShape(byte[] lineBytes) {
        String line = new String(lineBytes, StandardCharsets.UTF_8);
        if (line.length() <= HASH_SUFFIX_LENGTH || !line.endsWith("\"}")
                || !line.startsWith(HASH_SUFFIX_START, line.length() - HASH_SUFFIX_LENGTH)) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(line);
            return node != null && node.isObject();
        } catch (IOException e) {
            return false;
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
        if (i == 0) {
            st.headerHash = actualHash;
        }
        if (st.wanted.contains(i)) {
            st.witnessedHashes.put(i, actualHash);
        }
        return null;
    }

    private static boolean samePublicKey(String a, String b) {
        try {
            return TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(a)
                    .equalsKeyset(TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(b));
        } catch (GeneralSecurityException | RuntimeException e) {
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
