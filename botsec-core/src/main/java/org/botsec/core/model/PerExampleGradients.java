package org.botsec.core.model;

import org.botsec.core.linalg.Matrix;

/**
 * A trainable model whose parameter gradients can be taken per example or per group of examples, as DP-SGD
 * needs for clipping. The loss of one example is its cross-entropy (no regularisation term: a penalty on the
 * parameters does not depend on the data and is added by the optimiser if wanted).
 *
 * <p>The two methods allow "ghost clipping": first the norms of each group's gradient are computed (for dense
 * layers from activations and back-propagated signals, without materialising a gradient per example), then a
 * single weighted backward pass sums the clipped gradients. Implementations may instead materialise per-example
 * gradients where that is cheaper. A test in each implementation compares with a naive loop over single
 * examples.
 *
 * <p>Parameters are exchanged as one flat vector; its layout is the implementation's, stable for a model.
 */
public interface PerExampleGradients {
    /** Total number of trainable parameters. */
    int numParameters();

    /** Copies the current parameters into {@code out} (length {@link #numParameters()}). */
    void getParameters(double[] out);

    /** Replaces the parameters by {@code in} (length {@link #numParameters()}). */
    void setParameters(double[] in);

    /**
     * Squared L2 norms of the gradient of the <em>summed</em> loss of each group: for group g,
     * ‖Σ_{i : groups[i] = g} ∇θ loss_i‖². With {@code groups[i] = i} these are per-example gradient norms.
     *
     * @param x         inputs, n × numFeatures
     * @param labels    class index per row
     * @param groups    group index per row, in [0, numGroups)
     * @param numGroups number of groups
     * @return array of length numGroups
     */
    double[] groupGradientSquaredNorms(Matrix x, int[] labels, int[] groups, int numGroups);

    /**
     * Writes Σ_i weights[i] · ∇θ loss_i into {@code out} (length {@link #numParameters()}, overwritten).
     */
    void weightedGradientSum(Matrix x, int[] labels, double[] weights, double[] out);
}
