package org.botsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TopLevelErrorsTest {

    @Test
    void misspelledCommandSuggestsTheRightOne() {
        CliRun r = CliRun.run("trian", "--data", "builtin:iris");
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("Did you mean: botsec train"), r.err());
    }

    @Test
    void outOfMemoryIsOneLineWithTheFix() {
        @CommandLine.Command(name = "hungry")
        class Hungry implements Runnable {
            @Override
            public void run() {
                throw new OutOfMemoryError("Java heap space");
            }
        }
        StringWriter err = new StringWriter();
        PrintWriter pw = new PrintWriter(err, true);
        CommandLine cl = new CommandLine(new Hungry());
        cl.setErr(pw);
        int code = Botsec.run(cl, pw);
        assertEquals(ExitCode.INTERNAL_ERROR, code);
        String s = err.toString();
        assertEquals(1, s.strip().lines().count(), s);
        assertTrue(s.startsWith("botsec: out of memory (Java heap limit "), s);
        assertTrue(s.contains("BOTSEC_JAVA_OPTS=-Xmx8g"), s);
        assertFalse(s.contains("at org."), s);
    }
}
