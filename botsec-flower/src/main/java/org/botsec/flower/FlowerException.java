package org.botsec.flower;

/** The SuperLink refused this node or could not be reached (not a problem with the user's input). */
public final class FlowerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FlowerException(String message, Throwable cause) {
        super(message, cause);
    }
}
