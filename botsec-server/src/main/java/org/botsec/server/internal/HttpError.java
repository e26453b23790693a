package org.botsec.server.internal;

/** A request the gateway answers with a 4xx/5xx status and a one-line JSON error. */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String type;
    final java.util.Map<String, String> headers;

    HttpError(int status, String type, String message) {
        this(status, type, message, java.util.Map.of());
    }

    HttpError(int status, String type, String message, java.util.Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.headers = headers;
    }
}
