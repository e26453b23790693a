package org.botsec.spark.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Turns shipped file bytes back into a file for the loaders that read paths (policy parser, model files). */
public final class Bytes {
    private Bytes() {
    }

    /** Writes {@code bytes} to a private temporary file ending in {@code suffix}, loads it, deletes it. */
    public static <T> T loadViaTempFile(byte[] bytes, String suffix, Function<Path, T> loader) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("botsec-spark-", suffix);
            Files.write(tmp, bytes);
            return loader.apply(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage shipped file in the temp directory: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a left-over temp file in java.io.tmpdir is harmless; the result is already loaded
                }
            }
        }
    }
}
