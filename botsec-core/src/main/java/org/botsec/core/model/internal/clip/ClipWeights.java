package org.botsec.core.model.internal.clip;

/**
 * Per-row weights for summing clipped group means (DP-SGD, Abadi et al. 2016, with TF Privacy's microbatches):
 * group g with |g| rows and summed gradient s_g has mean m_g = s_g/|g|, clipped to
 * m̄_g = m_g · min(1, C/‖m_g‖); since Σ_g m̄_g = Σ_i w_i ∇loss_i with w_i = min(1, C/‖m_g‖)/|g| for i in g,
 * one weighted backward pass gives the clipped sum.
 */
public final class ClipWeights {
    private ClipWeights() {
    }

    /**
     * Checks the clipping arguments shared by every implementation.
     *
     * @throws IllegalArgumentException naming the first bad argument
     */
    public static void check(int rows, int[] groups, int numGroups, double l2NormClip) {
        if (!(l2NormClip > 0) || !Double.isFinite(l2NormClip)) {
            throw new IllegalArgumentException("l2NormClip must be > 0 and finite, got " + l2NormClip);
        }
        if (numGroups < 1) {
            throw new IllegalArgumentException("numGroups must be >= 1, got " + numGroups);
        }
        if (groups == null || groups.length != rows) {
            throw new IllegalArgumentException("groups must have one entry per row (" + rows + "), got "
                    + (groups == null ? "null" : groups.length));
        }
        for (int i = 0; i < rows; i++) {
            if (groups[i] < 0 || groups[i] >= numGroups) {
                throw new IllegalArgumentException("group " + groups[i] + " at row " + i + " is not in [0, "
                        + numGroups + ")");
            }
        }
    }

    /**
     * The row weights w_i described in the class comment.
     *
     * @param squaredNorms ‖s_g‖², the squared norms of each group's SUMMED gradient
     * @param groups       group of each row
     * @param numGroups    number of groups
     * @param l2NormClip   C
     * @return one weight per row
     */
    public static double[] rowWeights(double[] squaredNorms, int[] groups, int numGroups, double l2NormClip) {
        int[] size = new int[numGroups];
        for (int g : groups) {
            size[g]++;
        }
        double[] groupWeight = new double[numGroups];
        for (int g = 0; g < numGroups; g++) {
            if (size[g] == 0) {
                continue;
            }
            double norm = Math.sqrt(squaredNorms[g]) / size[g]; // norm of the group's MEAN gradient
            double scale = norm > l2NormClip ? l2NormClip / norm : 1.0;
            groupWeight[g] = scale / size[g];
        }
        double[] weights = new double[groups.length];
        for (int i = 0; i < groups.length; i++) {
            weights[i] = groupWeight[groups[i]];
        }
        return weights;
    }
}
