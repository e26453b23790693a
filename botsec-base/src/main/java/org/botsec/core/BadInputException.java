package org.botsec.core;

/**
 * Input that a user gave (a file, a flag, a request body) is not acceptable. The message is one line that
 * names the problem and the offending value; the CLI prints it and exits with code 2, the server answers 4xx.
 * Never put secrets or user text longer than a short excerpt into the message.
 */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Formats the message with {@link String#format}. */
    public static BadInputException of(String format, Object... args) {
        return new BadInputException(String.format(java.util.Locale.ROOT, format, args));
    }
}
