package org.botsec.core.train;

import java.util.Arrays;

/**
 * Adam (Kingma and Ba 2015, "Adam: A method for stochastic optimization", ICLR, Algorithm 1): moment estimates
 * {@code m ← β1·m + (1−β1)·g}, {@code v ← β2·v + (1−β2)·g²}, bias-corrected {@code m̂ = m/(1−β1^t)},
 * {@code v̂ = v/(1−β2^t)}, and the step {@code θ ← θ − lr·m̂/(√v̂ + ε)}. Defaults are the paper's: lr 0.001,
 * β1 0.9, β2 0.999, ε 1e-8.
 *
 * <p>Holds its moments and step count between steps (sized on the first step); not thread-safe.
 */
public final class Adam implements Optimizer {
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double[] m;
    private double[] v;
    private long t;
    private double beta1Power = 1.0;
    private double beta2Power = 1.0;

    private Adam(Builder b) {
        this.learningRate = b.learningRate;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double learningRate() {
        return learningRate;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    /** Number of steps taken since creation or the last reset. */
    public long steps() {
        return t;
    }

    @Override
    public void step(double[] parameters, double[] gradient) {
        if (parameters.length != gradient.length) {
            throw new IllegalArgumentException("parameters (" + parameters.length + ") and gradient ("
                    + gradient.length + ") differ in length");
        }
        if (m == null || m.length != parameters.length) {
            m = new double[parameters.length];
            v = new double[parameters.length];
            t = 0;
            beta1Power = 1.0;
            beta2Power = 1.0;
        }
        t++;
        beta1Power *= beta1;
        beta2Power *= beta2;
        double c1 = 1.0 / (1.0 - beta1Power);
        double c2 = 1.0 / (1.0 - beta2Power);
        double[] mm = m;
        double[] vv = v;
        for (int k = 0; k < parameters.length; k++) {
            double g = gradient[k];
            mm[k] = beta1 * mm[k] + (1.0 - beta1) * g;
            vv[k] = beta2 * vv[k] + (1.0 - beta2) * g * g;
            parameters[k] -= learningRate * (mm[k] * c1) / (Math.sqrt(vv[k] * c2) + epsilon);
        }
    }

    /** Forgets the moments and the step count, so that the next step starts a new run. */
    void reset() {
        if (m != null) {
            Arrays.fill(m, 0.0);
            Arrays.fill(v, 0.0);
        }
        t = 0;
        beta1Power = 1.0;
        beta2Power = 1.0;
    }

    @Override
    public String toString() {
        return "Adam[learningRate=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon="
                + epsilon + "]";
    }

    /** Builder for {@link Adam}; each setting may be made once. */
    public static final class Builder {
        private double learningRate = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder() {
        }

        private void once(String name) {
            if (!set.add(name)) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /** Step size: &gt; 0 and finite; default 0.001. */
        public Builder learningRate(double learningRate) {
            once("learningRate");
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be > 0 and finite, got " + learningRate);
            }
            this.learningRate = learningRate;
            return this;
        }

        /** Decay of the first moment, in [0, 1); default 0.9. */
        public Builder beta1(double beta1) {
            once("beta1");
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            }
            this.beta1 = beta1;
            return this;
        }

        /** Decay of the second moment, in [0, 1); default 0.999. */
        public Builder beta2(double beta2) {
            once("beta2");
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            }
            this.beta2 = beta2;
            return this;
        }

        /** Added to √v̂ for numerical stability: &gt; 0 and finite; default 1e-8. */
        public Builder epsilon(double epsilon) {
            once("epsilon");
            if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
                throw new IllegalArgumentException("epsilon must be > 0 and finite, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        public Adam build() {
            return new Adam(this);
        }
    }
}
