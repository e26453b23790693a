package org.botsec.core.data.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.botsec.core.BadInputException;

/** Opening data sources: size bounds, SHA-256 of the raw bytes, transparent gzip. */
public final class Sources {
    /** Largest file (compressed or not) and largest decompressed stream we read: 2 GiB. */
    public static final long MAX_BYTES = 2L * 1024 * 1024 * 1024;

    private Sources() {
    }

    /** A new SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** Checks that {@code path} is a readable regular file of at most {@link #MAX_BYTES}. */
    public static void checkFile(Path path, String what) {
        if (!Files.exists(path)) {
            throw BadInputException.of("%s not found: %s", what, path);
        }
        if (!Files.isRegularFile(path)) {
            throw BadInputException.of("%s is not a regular file: %s", what, path);
        }
        if (!Files.isReadable(path)) {
            throw BadInputException.of("%s is not readable: %s", what, path);
        }
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw BadInputException.of("cannot read %s %s: %s", what, path, e.getMessage());
        }
        if (size > MAX_BYTES) {
            throw BadInputException.of("%s is too large (%d bytes, limit %d): %s", what, size, MAX_BYTES, path);
        }
    }

    /** Opens a file after {@link #checkFile}. */
    public static InputStream open(Path path, String what) {
        checkFile(path, what);
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw BadInputException.of("%s not found: %s", what, path);
        } catch (IOException e) {
            throw BadInputException.of("cannot open %s %s: %s", what, path, e.getMessage());
        }
    }

    /** Wraps {@code raw} so that reading past {@code limit} bytes fails with a {@link BadInputException}. */
    public static InputStream bounded(InputStream raw, long limit, String name) {
        return new FilterInputStream(raw) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    add(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    add(n);
                }
                return n;
            }

            private void add(long n) {
                count += n;
                if (count > limit) {
                    throw BadInputException.of("%s is larger than the limit of %d bytes", name, limit);
                }
            }
        };
    }

    /**
     * A source being read: the stream to parse (decompressed when gzip) and the digest of the raw bytes.
     * Call {@link #finish()} after parsing to read any remaining raw bytes and get the hash.
     */
    public static final class Hashed implements AutoCloseable {
        private final DigestInputStream raw;
        private final InputStream content;

        private Hashed(DigestInputStream raw, InputStream content) {
            this.raw = raw;
            this.content = content;
        }

        /**
         * Hashes {@code in}'s bytes; decompresses when it starts with the gzip magic bytes (1f 8b). Both the raw
         * and the decompressed stream are bounded by {@link #MAX_BYTES}.
         */
        public static Hashed of(InputStream in, String name) throws IOException {
            DigestInputStream digest = new DigestInputStream(bounded(in, MAX_BYTES, name), sha256());
            java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(digest, 1 << 16);
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            InputStream content = buffered;
            if (b0 == 0x1f && b1 == 0x8b) {
                content = bounded(new GZIPInputStream(buffered, 1 << 16), MAX_BYTES, name + " (decompressed)");
            }
            return new Hashed(digest, content);
        }

        public InputStream content() {
            return content;
        }

        /** Drains the raw stream and returns the hex SHA-256 of all its bytes. */
        public String finish() throws IOException {
            raw.transferTo(OutputStream.nullOutputStream());
            return hex(raw.getMessageDigest().digest());
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    /** Wraps an I/O failure while reading {@code name} as bad input. */
    public static BadInputException ioFailure(String name, IOException e) {
        if (e instanceof java.util.zip.ZipException) {
            return BadInputException.of("%s is not valid gzip: %s", name, e.getMessage());
        }
        if (e instanceof java.io.EOFException) {
            return BadInputException.of("%s ends unexpectedly", name);
        }
        return BadInputException.of("cannot read %s: %s", name, e.getMessage());
    }
}
