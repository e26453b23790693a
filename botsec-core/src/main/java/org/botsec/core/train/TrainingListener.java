package org.botsec.core.train;

/**
 * Hears about training progress, e.g. to draw a progress bar. Called on the training thread after every step;
 * keep it quick.
 */
public interface TrainingListener {
    /** A listener that ignores everything. */
    TrainingListener NONE = (epoch, step, totalSteps, loss) -> {
    };

    /**
     * After each optimiser step.
     *
     * @param epoch      the current epoch, from 1
     * @param step       steps done so far over all epochs, from 1 to {@code totalSteps}
     * @param totalSteps steps in the whole run
     * @param loss       mean loss of this step's batch (before the update)
     */
    void onStep(int epoch, int step, int totalSteps, double loss);

    /**
     * After each epoch.
     *
     * @param epoch    the epoch just finished, from 1
     * @param meanLoss mean of the per-example losses seen during the epoch (before each step's update)
     */
    default void onEpochEnd(int epoch, double meanLoss) {
    }
}
