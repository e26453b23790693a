package org.botsec.federated;

import java.util.OptionalDouble;

/**
 * One round of federated training, measured on the held-out test split after the server update.
 *
 * @param round    1-based round number
 * @param accuracy test accuracy of the global model
 * @param loss     test log loss (cross-entropy) of the global model
 * @param clients  clients selected this round
 * @param excluded clients whose update was dropped (NaN/Inf or wrong length)
 * @param dropped  clients that dropped out after the secure-aggregation key exchange (simulated)
 * @param l2NormClip with DP-FedAvg, the clipping norm used in this round (it moves with adaptive clipping)
 */
public record RoundResult(int round, double accuracy, double loss, int clients, int excluded,
                          int dropped, OptionalDouble l2NormClip) {
    public RoundResult {
        java.util.Objects.requireNonNull(l2NormClip, "l2NormClip");
    }
}
