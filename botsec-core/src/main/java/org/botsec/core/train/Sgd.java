package org.botsec.core.train;

import java.util.Arrays;

/**
 * Stochastic gradient descent, optionally with momentum (Polyak 1964) or Nesterov momentum (Sutskever, Martens,
 * Dahl, Hinton 2013, "On the importance of initialization and momentum in deep learning", ICML), in PyTorch's
 * formulation: with momentum μ the velocity is {@code v ← μ·v + g}, and the step is {@code θ ← θ − lr·v}, or
 * {@code θ ← θ − lr·(g + μ·v)} with Nesterov. With μ = 0 this is plain {@code θ ← θ − lr·g}.
 *
 * <p>Holds its velocity between steps (sized on the first step); not thread-safe.
 */
public final class Sgd implements Optimizer {
    private final double learningRate;
    private final double momentum;
    private final boolean nesterov;
    private double[] velocity;

    private Sgd(Builder b) {
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.nesterov = b.nesterov;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double learningRate() {
        return learningRate;
    }

    public double momentum() {
        return momentum;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public void step(double[] parameters, double[] gradient) {
        if (parameters.length != gradient.length) {
            throw new IllegalArgumentException("parameters (" + parameters.length + ") and gradient ("
                    + gradient.length + ") differ in length");
        }
        if (momentum == 0.0) {
            for (int k = 0; k < parameters.length; k++) {
                parameters[k] -= learningRate * gradient[k];
            }
            return;
        }
        if (velocity == null || velocity.length != parameters.length) {
            // PyTorch starts the velocity at the first gradient; starting at zero gives the same first step.
            velocity = new double[parameters.length];
        }
        double[] v = velocity;
        for (int k = 0; k < parameters.length; k++) {
            double g = gradient[k];
            v[k] = momentum * v[k] + g;
            parameters[k] -= learningRate * (nesterov ? g + momentum * v[k] : v[k]);
        }
    }

    /** Forgets the velocity, so that the next step starts a new run. */
    void reset() {
        if (velocity != null) {
            Arrays.fill(velocity, 0.0);
        }
    }

    @Override
    public String toString() {
        return "Sgd[learningRate=" + learningRate + ", momentum=" + momentum + ", nesterov=" + nesterov + "]";
    }

    /** Builder for {@link Sgd}; each setting may be made once; {@link #build()} checks the combination. */
    public static final class Builder {
        private double learningRate = Double.NaN;
        private double momentum;
        private boolean nesterov;
        private boolean momentumSet;
        private boolean nesterovSet;

        private Builder() {
        }

        /** Step size, required: &gt; 0 and finite. */
        public Builder learningRate(double learningRate) {
            if (!Double.isNaN(this.learningRate)) {
                throw new IllegalStateException("learningRate was already set to " + this.learningRate);
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be > 0 and finite, got " + learningRate);
            }
            this.learningRate = learningRate;
            return this;
        }

        /** Momentum μ in [0, 1); 0 (the default) is plain SGD. */
        public Builder momentum(double momentum) {
            if (momentumSet) {
                throw new IllegalStateException("momentum was already set to " + this.momentum);
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            this.momentum = momentum;
            momentumSet = true;
            return this;
        }

        /** Use Nesterov momentum (needs momentum &gt; 0); default false. */
        public Builder nesterov(boolean nesterov) {
            if (nesterovSet) {
                throw new IllegalStateException("nesterov was already set to " + this.nesterov);
            }
            this.nesterov = nesterov;
            nesterovSet = true;
            return this;
        }

        public Sgd build() {
            if (Double.isNaN(learningRate)) {
                throw new IllegalStateException("learningRate must be set");
            }
            if (nesterov && momentum == 0.0) {
                throw new IllegalStateException("nesterov needs momentum > 0, got momentum " + momentum);
            }
            return new Sgd(this);
        }
    }
}
