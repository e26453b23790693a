package org.botsec.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line text progress bar on stderr, redrawn in place with a carriage return:
 * {@code train [##########..........]  50% epoch 5/10 loss 0.3121}. It never writes to stdout, so {@code --json}
 * output stays one clean document. Redraws are limited to a few per second so that long loops stay cheap.
 *
 * <p>Carriage-return frames only make sense on a terminal. When stderr is a file or a pipe (the launcher sets
 * {@code BOTSEC_STDERR_TTY=1} only when it is a terminal), the bar draws nothing while it runs and prints its last
 * state once, as one plain line, when it {@linkplain #finish() finishes}: one line per stage in a log.
 * Not thread-safe.
 */
public final class ProgressBar {
    private static final int WIDTH = 24;
    private static final long MIN_REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String label;
    private final boolean enabled;
    private final boolean terminal;
    private String lastLine;
    private long lastDraw;
    private int lastLength;
    private boolean drawn;

    /**
     * @param err     where to draw (the command's stderr)
     * @param label   a short word shown first, e.g. {@code train}
     * @param enabled false to draw nothing (e.g. {@code --quiet})
     */
    public ProgressBar(PrintWriter err, String label, boolean enabled) {
        this(err, label, enabled, stderrIsTerminal());
    }

    /**
     * @param terminal true to redraw in place with carriage returns; false for one plain line at the end
     */
    public ProgressBar(PrintWriter err, String label, boolean enabled, boolean terminal) {
        this.err = err;
        this.label = label;
        this.enabled = enabled;
        this.terminal = terminal;
    }

    /** True when the launcher found stderr to be a terminal ({@code BOTSEC_STDERR_TTY=1}). */
    static boolean stderrIsTerminal() {
        return "1".equals(System.getenv("BOTSEC_STDERR_TTY"));
    }

    /** Shows {@code done} of {@code total} with a detail text; redraws at most every 100 ms unless complete. */
    public void update(long done, long total, String detail) {
        if (!enabled || total <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (terminal && drawn && done < total && now - lastDraw < MIN_REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double fraction = Math.max(0, Math.min(1, (double) done / total));
        int filled = (int) Math.round(fraction * WIDTH);
        String line = String.format(Locale.ROOT, "%s [%s%s] %3d%% %s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), Math.round(fraction * 100), detail == null ? "" : detail);
        drawn = true;
        if (!terminal) {
            lastLine = line;
            return;
        }
        String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
        err.print("\r" + line + pad);
        err.flush();
        lastLength = line.length();
    }

    /** Ends the bar's line (if anything was drawn) so that later messages start on a new line. */
    public void finish() {
        if (enabled && drawn) {
            if (!terminal) {
                err.print(lastLine);
            }
            err.println();
            err.flush();
            drawn = false;
            lastLength = 0;
        }
    }
}
