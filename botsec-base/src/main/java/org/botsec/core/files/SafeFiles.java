package org.botsec.core.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import org.botsec.core.BadInputException;

/**
 * Bounded reads and atomic, fsynced replacement of small files (key files, keysets, configuration files).
 *
 * <p>Public only so that the guard and server modules can share one implementation; it is internal to BotSec
 * and not part of the supported API. Stateless and thread-safe.
 */
public final class SafeFiles {
    private SafeFiles() {
    }

    /** Reads a small UTF-8 file, refusing anything larger than {@code maxBytes}. */
    public static String readSmallUtf8(Path file, int maxBytes, String what) {
        if (!Files.isRegularFile(file)) {
            throw BadInputException.of("%s not found or not a regular file: %s", what, file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw BadInputException.of("%s is larger than %d bytes: %s", what, maxBytes, file);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw BadInputException.of("cannot read %s %s: %s", what, file, e.getMessage());
        }
    }

    /**
     * The one rule for every output file a user names ({@code --out}, {@code --html}, {@code --png},
     * {@code --audit-log}): its folder must already exist and be writable, and the path must not be a folder.
     * Checked before any work, so a long run never ends in an unwritable path. The message names the flag, the path
     * and what is wrong.
     *
     * @param file the output path as the user gave it
     * @param flag the option that named it, e.g. {@code --html}
     */
    public static void checkOutputFile(Path file, String flag) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw BadInputException.of("%s %s is a folder; give a file name", flag, file);
        }
        Path parent = abs.getParent();
        if (parent == null) {
            return;
        }
        if (!Files.isDirectory(parent)) {
            for (Path p = parent; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p)) {
                    throw BadInputException.of("%s %s: %s is a file, not a folder", flag, file, p);
                }
            }
            throw BadInputException.of("%s %s: folder %s does not exist (create it first)", flag, file, parent);
        }
        if (!Files.isWritable(parent) || parent.startsWith("/proc") || parent.startsWith("/sys")) {
            throw BadInputException.of("%s %s: folder %s is not writable", flag, file, parent);
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw BadInputException.of("%s %s: the file exists and is not writable", flag, file);
        }
    }

    /**
     * Writes {@code content} to a temporary file next to {@code target}, fsyncs it and moves it over the
     * target atomically, so a crash leaves either the old or the new file, never a half-written one. The
     * file is readable by its owner only where the file system supports POSIX permissions.
     */
    public static void writeAtomically(Path target, String content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; keep the platform default
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(dir);
    }

    /**
     * Makes a directory's entries (a file just created or renamed into it) durable. Best effort: where the
     * platform cannot open a directory for syncing, this does nothing.
     */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // e.g. Windows cannot open directories as channels; the file's own fsync still holds
        }
    }

    /** The SHA-256 of a file's bytes, as lower-case hex, read in 64 KiB blocks (model files can be large). */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw BadInputException.of("cannot read %s: %s", file, e.getMessage());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
