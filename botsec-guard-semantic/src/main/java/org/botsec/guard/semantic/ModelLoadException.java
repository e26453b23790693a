package org.botsec.guard.semantic;

/**
 * The sentence-embedding model could not be loaded (ONNX Runtime's native library or the model inside the
 * jar). The message is one line naming the model and the cause; the guard never falls back silently to a
 * weaker detector.
 */
public final class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
