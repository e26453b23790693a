package org.botsec.flower.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import picocli.CommandLine;

/** Option checks of {@code fl client}: each bad flag is one line naming it, exit 2, before any connection. */
class FlowerClientCommandTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new FlowerClientCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpHasRunnableExamples() {
        Run r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("botsec fl client --superlink 127.0.0.1:9092 --insecure --data builtin:digits8x8"));
    }

    @Test
    void badFlagsExitTwoWithOneLine() {
        String[][] cases = {
            {"--superlink", "127.0.0.1:9092", "--data", "builtin:digits8x8", "--model", "softmax"},
            {"--superlink", "127.0.0.1:9092", "--insecure", "--data", "builtin:digits8x8", "--model", "svm"},
            {"--superlink", "127.0.0.1:9092", "--insecure", "--data", "builtin:digits8x8", "--model", "softmax",
                "--partition", "3/2"},
            {"--superlink", "localhost", "--insecure", "--data", "builtin:digits8x8", "--model", "softmax"},
            {"--superlink", "127.0.0.1:9092", "--insecure", "--data", "builtin:sentiment_sentences", "--model",
                "softmax"},
        };
        String[] expected = {"exactly one of --insecure and --root-certificates", "--model must be logreg, softmax or "
            + "mlp, got 'svm'", "--partition must be I/N with 1 <= I <= N <= 10000, got '3/2'",
            "superlink must be HOST:PORT (e.g. 127.0.0.1:9092), got 'localhost'", "is a text data set"};
        for (int i = 0; i < cases.length; i++) {
            Run r = run(cases[i]);
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().startsWith("botsec: ") && r.err().contains(expected[i]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    @Test
    void partitionsAddUpToTheRows() {
        assertArrayEquals(new int[] {2, 5}, FlowerClientCommand.parsePartition("2/5"));
        Executable bad = () -> FlowerClientCommand.parsePartition("0/5");
        org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, bad);
        var d = org.botsec.core.data.Builtins.load("digits8x8", org.botsec.core.data.Split.TRAIN);
        int total = 0;
        for (int i = 1; i <= 3; i++) {
            total += FlowerClientCommand.part(d, new int[] {i, 3}, 1).size();
        }
        assertEquals(d.size(), total);
    }
}
