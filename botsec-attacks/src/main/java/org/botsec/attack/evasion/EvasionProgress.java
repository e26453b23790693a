package org.botsec.attack.evasion;

/** Told how far an attack has come (e.g. to draw a progress bar); called on the attacking thread. */
@FunctionalInterface
public interface EvasionProgress {
    /** Does nothing. */
    EvasionProgress NONE = (done, total) -> { };

    /** {@code done} of {@code total} units (gradient steps over all restarts) are finished. */
    void update(long done, long total);
}
