package org.botsec.guard;

/**
 * Scans one message and decides what happens to it. Implementations are thread-safe: one instance serves a
 * whole gateway.
 */
public interface Guard {
    Verdict scan(String text, Direction direction);
}
