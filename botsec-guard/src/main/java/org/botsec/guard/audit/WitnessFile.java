package org.botsec.guard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.botsec.core.BadInputException;

/**
 * An anchor for an {@link AuditLog} kept outside it: one JSON line per signed checkpoint,
 * {@code {"log":"<hash of the log's header>","index":N,"hash":"<hash of checkpoint N>"}}, appended and made
 * durable after the checkpoint itself is durable. Keep it where the log's host cannot rewrite it: another disk
 * or host, a mount of an append-only (WORM) store, or ship each line to a log server.
 *
 * <p><b>Security guarantees.</b> Checked by {@link AuditLog#verify(Path, String, Path)}: a log cut back to an
 * earlier checkpoint (or to any earlier record) no longer holds the last witnessed checkpoint, so the
 * truncation is detected and named; a log replaced wholesale (a new header) no longer matches the witness's
 * {@code log} hash. The witness protects up to its last line: records after the last witnessed checkpoint can
 * still be dropped (as without a witness, the verifier reports how many are unsigned). Anyone who can rewrite
 * the witness too can hide a truncation. One instance is used by one {@code AuditLog} under its lock.
 */
public final class WitnessFile {
    /** Lines longer than this are not witness lines. */
    static final int MAX_LINE_CHARS = 1024;
    /** Witness files larger than this are refused when read (about 5 million checkpoints). */
    static final long MAX_BYTES = 512L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One witnessed checkpoint. */
    record Entry(String log, long index, String hash) {
    }

    private final Path file;

    private WitnessFile(Path file) {
        this.file = file;
    }

    /** A witness kept in {@code file} (created on the first checkpoint if it does not exist). */
    public static WitnessFile at(Path file) {
        return new WitnessFile(Objects.requireNonNull(file, "file"));
    }

    /** The witness file. */
    public Path file() {
        return file;
    }

    /** Appends one checkpoint and makes it durable. */
    void record(String logHeaderHash, AuditRecord checkpoint) {
        ObjectNode line = JSON.createObjectNode();
        line.put("log", logHeaderHash);
        line.put("index", checkpoint.index());
        line.put("hash", checkpoint.hash());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to audit witness file " + file, e);
        }
    }

    /**
     * The witnessed checkpoints; empty when the file does not exist. A file that is not a witness file is a
     * {@link BadInputException} naming the first bad line. A torn last line (no final newline) is ignored.
     */
    List<Entry> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try {
            if (!Files.isRegularFile(file)) {
                throw BadInputException.of("audit witness %s is not a regular file", file);
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw BadInputException.of("audit witness %s has %d bytes, more than the limit of %d", file, size, MAX_BYTES);
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String[] lines = text.split("\n", -1);
            // The last element is what follows the final newline: empty, or a torn line from a crash.
            for (int i = 0; i < lines.length - 1; i++) {
                out.add(parse(lines[i], i + 1));
            }
        } catch (IOException e) {
            throw BadInputException.of("cannot read audit witness %s: %s", file, e.getMessage());
        }
        return out;
    }

    private Entry parse(String line, int lineNumber) {
        JsonNode node = null;
        if (line.length() <= MAX_LINE_CHARS) {
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                node = null;
            }
        }
        if (node == null || !node.isObject() || !node.path("log").isTextual() || !node.path("index").canConvertToLong()
                || !node.path("hash").isTextual() || !node.path("hash").asText().matches("[0-9a-f]{64}")
                || !node.path("log").asText().matches("[0-9a-f]{64}") || node.path("index").asLong() < 1) {
            throw BadInputException.of("%s is not an audit witness file: line %d is not {\"log\", \"index\", \"hash\"}", file, lineNumber);
        }
        return new Entry(node.get("log").asText(), node.get("index").asLong(), node.get("hash").asText());
    }
}
