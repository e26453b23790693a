package org.botsec.core.train;

/**
 * How the {@link Trainer} scales the optimiser's learning rate over the run.
 */
public enum LearningRateSchedule {
    /** The optimiser's learning rate throughout. */
    CONSTANT {
        @Override
        public double factor(int step, int totalSteps) {
            return 1.0;
        }
    },
    /**
     * Cosine annealing to zero over the whole run, without restarts (Loshchilov and Hutter 2017, "SGDR:
     * Stochastic gradient descent with warm restarts", ICLR, Eq. 5 with one cycle): the step numbered
     * {@code t} (from 0) uses {@code lr · ½(1 + cos(π·t/T))} for T total steps.
     */
    COSINE {
        @Override
        public double factor(int step, int totalSteps) {
            return 0.5 * (1.0 + Math.cos(Math.PI * step / totalSteps));
        }
    };

    /** The multiplier of the learning rate at {@code step} (from 0) of {@code totalSteps}. */
    public abstract double factor(int step, int totalSteps);
}
