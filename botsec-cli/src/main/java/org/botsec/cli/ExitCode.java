package org.botsec.cli;

/** The exit codes of the {@code botsec} CLI (DESIGN.md). */
public final class ExitCode {
    public static final int OK = 0;
    public static final int INTERNAL_ERROR = 1;
    public static final int BAD_INPUT = 2;
    public static final int THRESHOLD_FAILED = 3;

    private ExitCode() {
    }
}
