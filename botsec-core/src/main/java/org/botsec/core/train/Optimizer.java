package org.botsec.core.train;

/**
 * A first-order optimiser over a flat parameter vector: SGD (with momentum) or Adam. DP-SGD hands it the
 * noisy, clipped gradient, so DP-Adam and DP-momentum are these optimisers fed private gradients.
 */
public interface Optimizer {
    /** Updates {@code parameters} in place from {@code gradient} (same length). */
    void step(double[] parameters, double[] gradient);
}
