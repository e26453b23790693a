package org.botsec.core.io;

import org.botsec.core.BadInputException;

/**
 * A model file's content does not match its own integrity data: a tensor's bytes differ from the SHA-256 its header
 * gives. Bad input when loading (the CLI exits with code 2); {@link ModelSignatures#verify} reports it as a failed
 * verification. The message names the file and the tensor, never values.
 */
public final class ModelIntegrityException extends BadInputException {
    private static final long serialVersionUID = 1L;

    /** {@code message}: one line naming the file and the tensor. */
    public ModelIntegrityException(String message) {
        super(message);
    }
}
