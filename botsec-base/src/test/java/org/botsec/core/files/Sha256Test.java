package org.botsec.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {
    @TempDir
    Path dir;

    @Test
    void matchesTheFips180Vector() throws IOException {
        // FIPS 180-2, appendix B.1: SHA-256("abc")
        Path f = Files.writeString(dir.resolve("abc.txt"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SafeFiles.sha256(f));
        assertThrows(BadInputException.class, () -> SafeFiles.sha256(dir.resolve("missing")));
    }
}
