package org.botsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void terminalRedrawsInPlace() {
        StringWriter sw = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), "train", true, true);
        bar.update(1, 2, "epoch 1/2");
        bar.update(2, 2, "epoch 2/2");
        bar.finish();
        assertTrue(sw.toString().startsWith("\rtrain ["), sw.toString());
        assertTrue(sw.toString().contains("\rtrain [########################] 100% epoch 2/2"), sw.toString());
    }

    @Test
    void notATerminalGivesOneLinePerStageAndNoCarriageReturn() {
        StringWriter sw = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), "train", true, false);
        for (int i = 1; i <= 50; i++) {
            bar.update(i, 100, "step " + i);
        }
        bar.finish();
        String s = sw.toString();
        assertFalse(s.contains("\r"), s);
        assertEquals(1, s.split("\n", -1).length - 1, s);
        assertTrue(s.startsWith("train [") && s.contains(" 50% step 50"), s);
    }

    @Test
    void disabledPrintsNothing() {
        StringWriter sw = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), "train", false, false);
        bar.update(1, 1, "x");
        bar.finish();
        assertEquals("", sw.toString());
    }
}
