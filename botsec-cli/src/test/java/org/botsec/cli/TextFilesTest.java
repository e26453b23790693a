package org.botsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsFileAndStdinDroppingOneTrailingLineBreak() throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "The movie was awesome!\n");
        assertEquals("The movie was awesome!", TextFiles.read(f.toString(), InputStreamNone.INSTANCE));
        assertEquals("two\nlines", TextFiles.read("-", stdin("two\nlines\r\n")));
    }

    @Test
    void refusesEmptyOversizedAndNonUtf8Input() {
        assertTrue(assertThrows(BadInputException.class, () -> TextFiles.read("-", stdin("\n"))).getMessage()
                .contains("is empty"));
        byte[] big = new byte[TextFiles.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'a');
        assertTrue(assertThrows(BadInputException.class, () -> TextFiles.read("-", new ByteArrayInputStream(big)))
                .getMessage().contains("larger than"));
        assertTrue(assertThrows(BadInputException.class, () -> TextFiles.read("-",
                new ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xfe}))).getMessage().contains("not UTF-8"));
        assertTrue(assertThrows(BadInputException.class, () -> TextFiles.read(dir.resolve("none").toString(),
                InputStreamNone.INSTANCE)).getMessage().contains("not found"));
    }

    @Test
    void predictAndLimeTextTakeTextFiles() throws Exception {
        Path model = dir.resolve("s.safetensors");
        assertEquals(0, CliRun.run("train", "--data", "builtin:sentiment_sentences", "--model", "text-logreg",
                "--out", model.toString(), "-q").code());
        Path f = dir.resolve("review.txt");
        Files.writeString(f, "The movie was awesome!\n");
        JsonNode fromFile = CliRun.run("predict", "--model", model.toString(), "--text-file", f.toString(), "--json").json();
        JsonNode fromFlag = CliRun.run("predict", "--model", model.toString(), "--text", "The movie was awesome!",
                "--json").json();
        assertEquals(fromFlag, fromFile);
        JsonNode limeFile = CliRun.run("explain", "lime-text", "--model", model.toString(), "--text-file",
                f.toString(), "--seed", "3", "--num-samples", "500", "--json").json();
        JsonNode limeFlag = CliRun.run("explain", "lime-text", "--model", model.toString(), "--text",
                "The movie was awesome!", "--seed", "3", "--num-samples", "500", "--json").json();
        assertEquals(limeFlag.get("weights"), limeFile.get("weights"));
        CliRun both = CliRun.run("explain", "lime-text", "--model", model.toString(), "--text", "x", "--text-file",
                f.toString());
        assertEquals(ExitCode.BAD_INPUT, both.code(), both.toString());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
    }

    private static ByteArrayInputStream stdin(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A standard input that must not be read. */
    private static final class InputStreamNone extends java.io.InputStream {
        static final InputStreamNone INSTANCE = new InputStreamNone();

        @Override
        public int read() {
            throw new AssertionError("standard input read for a file argument");
        }
    }
}
