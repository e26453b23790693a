package org.botsec.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.core.BadInputException;

/** Bounded reading of small configuration files. */
public final class Io {
    private Io() {
    }

    /** Reads a UTF-8 file of at most {@code maxBytes}; a missing, unreadable or larger file is bad input. */
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
}
