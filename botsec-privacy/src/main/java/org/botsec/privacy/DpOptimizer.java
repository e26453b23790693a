package org.botsec.privacy;

/** The update rule fed with the private gradient (TF Privacy's DPGradientDescent, DPMomentum, DPAdam). */
public enum DpOptimizer {
    /** Plain gradient descent: θ ← θ - lr·g̃. */
    SGD,
    /** Heavy-ball momentum: v ← μv + g̃, θ ← θ - lr·v. */
    MOMENTUM,
    /** Adam (Kingma and Ba 2015) on the private gradient: DP-Adam. */
    ADAM
}
