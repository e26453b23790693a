package org.botsec.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFileRuleTest {
    @TempDir
    Path dir;

    @Test
    void oneRuleForEveryOutputFile() throws IOException {
        SafeFiles.checkOutputFile(dir.resolve("ok.html"), "--html");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        assertMessage(plain.resolve("out.html"), "--html " + plain.resolve("out.html") + ": " + plain
                + " is a file, not a folder");
        assertMessage(dir.resolve("missing/out.html"), "--html " + dir.resolve("missing/out.html") + ": folder "
                + dir.resolve("missing") + " does not exist (create it first)");
        assertMessage(dir, "--html " + dir + " is a folder; give a file name");
        assertMessage(Path.of("/proc/out.html"), "--html /proc/out.html: folder /proc is not writable");
    }

    private static void assertMessage(Path p, String expected) {
        assertEquals(expected, assertThrows(BadInputException.class,
                () -> SafeFiles.checkOutputFile(p, "--html")).getMessage());
    }
}
