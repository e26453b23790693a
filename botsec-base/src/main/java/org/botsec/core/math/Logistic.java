package org.botsec.core.math;

/**
 * The logistic function, in the one numerically stable form every BotSec module uses (core's
 * {@code org.botsec.core.linalg.Softmax} builds on it; the guard, which does not depend on core, calls it
 * directly): {@code 1 / (1 + e^{−z})} for z ≥ 0 and {@code e^{z} / (1 + e^{z})} otherwise, so no exponential
 * overflows and a small probability keeps full relative precision. Stateless and thread-safe.
 */
public final class Logistic {
    private Logistic() {
    }

    /** {@code 1 / (1 + e^{−z})}, from the branch that cannot overflow. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }
}
