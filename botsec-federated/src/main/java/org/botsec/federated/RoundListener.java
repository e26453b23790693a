package org.botsec.federated;

/** Told after every round (e.g. to draw a progress bar). */
@FunctionalInterface
public interface RoundListener {
    void roundDone(RoundResult result, int totalRounds);
}
