package org.botsec.privacy;

import org.botsec.privacy.accountant.PrivacySpent;

/** Progress of {@link DpTraining#train}: called on the training thread; keep it cheap. */
public interface DpProgressListener {
    /** After each step (1-based) of {@code totalSteps} planned. */
    default void onStep(long step, long totalSteps) {
    }

    /** After each epoch's worth of steps (ceil(n/B)), with the privacy spent so far. */
    default void onEpoch(long epoch, PrivacySpent spentSoFar) {
    }

    /** A listener that does nothing. */
    static DpProgressListener none() {
        return new DpProgressListener() {
        };
    }
}
