package org.botsec.federated;

/**
 * What one client sends after local training: the change of its parameters (local minus global) and how many
 * examples it trained on (FedAvg's weight).
 *
 * @param clientId    the client's index
 * @param delta       local parameters minus the round's global parameters (copied)
 * @param numExamples the client's training rows (≥ 1)
 */
public record ClientUpdate(int clientId, double[] delta, int numExamples) {
    public ClientUpdate {
        if (delta == null) {
            throw new IllegalArgumentException("delta must not be null");
        }
        if (numExamples < 1) {
            throw new IllegalArgumentException("numExamples must be >= 1, got " + numExamples);
        }
        delta = delta.clone();
    }

    @Override
    public double[] delta() {
        return delta.clone();
    }

    /** The delta without a copy, for aggregation loops that only read it. */
    double[] deltaView() {
        return delta;
    }

    /**
     * Why this update cannot be aggregated with {@code numParameters} parameters: a wrong length or a value that
     * is NaN or infinite; empty when it is fine. The reason names no parameter values (they may encode data).
     */
    public java.util.Optional<String> problem(int numParameters) {
        if (delta.length != numParameters) {
            return java.util.Optional.of("update has " + delta.length + " values, the model " + numParameters);
        }
        for (double v : delta) {
            if (!Double.isFinite(v)) {
                return java.util.Optional.of("update contains NaN or infinite values");
            }
        }
        return java.util.Optional.empty();
    }
}
