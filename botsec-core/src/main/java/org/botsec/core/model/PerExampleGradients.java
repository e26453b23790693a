package org.botsec.core.model;

import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.internal.clip.ClipWeights;

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

    /**
     * The clipped sum DP-SGD needs, in one call: with m_g = (1/|g|) Σ_{i : groups[i] = g} ∇θ loss_i the mean
     * gradient of group g, writes Σ_g m_g · min(1, C/‖m_g‖₂) into {@code out} (empty groups contribute nothing).
     * With {@code groups[i] = i} this is the sum of per-example gradients each clipped to norm C.
     *
     * <p>The default implementation calls {@link #groupGradientSquaredNorms} and then {@link #weightedGradientSum}
     * (two forward and backward passes); implementations override it to reuse one pass for both, since the
     * back-propagated signals are linear in the per-row output signals.
     *
     * @param x          inputs, n × numFeatures
     * @param labels     class index per row
     * @param groups     group index per row, in [0, numGroups)
     * @param numGroups  number of groups (≥ 1)
     * @param l2NormClip C, &gt; 0 and finite
     * @param out        receives the clipped sum (length {@link #numParameters()}, overwritten)
     * @return the squared norms of each group's summed gradient, as {@link #groupGradientSquaredNorms} returns
     */
    default double[] clippedGradientSum(Matrix x, int[] labels, int[] groups, int numGroups, double l2NormClip,
                                        double[] out) {
        ClipWeights.check(x.rows(), groups, numGroups, l2NormClip);
        double[] squaredNorms = groupGradientSquaredNorms(x, labels, groups, numGroups);
        weightedGradientSum(x, labels, ClipWeights.rowWeights(squaredNorms, groups, numGroups, l2NormClip), out);
        return squaredNorms;
    }
}
