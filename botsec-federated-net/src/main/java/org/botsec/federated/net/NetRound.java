package org.botsec.federated.net;

import java.util.OptionalDouble;

/**
 * One completed round of a networked federation.
 *
 * @param round     the round (from 1)
 * @param attempts  how many tries it took (a try fails when fewer than the minimum of clients answered)
 * @param selected  clients asked to train
 * @param valid     updates aggregated
 * @param excluded  updates refused (wrong shape, NaN/Inf, no examples)
 * @param dropped   selected clients that did not answer before the round's deadline
 * @param accuracy  test accuracy of the new global model, when the coordinator has test data
 * @param loss      its log loss, likewise
 * @param seconds   wall time of the successful try, including its wait for clients to connect
 */
public record NetRound(int round, int attempts, int selected, int valid, int excluded, int dropped,
                       OptionalDouble accuracy, OptionalDouble loss, double seconds) {
    public NetRound {
        java.util.Objects.requireNonNull(accuracy, "accuracy");
        java.util.Objects.requireNonNull(loss, "loss");
    }
}
