package org.botsec.core;

/**
 * A policy or threshold failed: a privacy budget would be exceeded, an attack succeeded above the allowed
 * rate, an audit threshold was missed or an audit log is invalid. The CLI exits with code 3.
 */
public class ThresholdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ThresholdException(String message) {
        super(message);
    }
}
