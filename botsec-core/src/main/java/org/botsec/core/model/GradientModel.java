package org.botsec.core.model;

import org.botsec.core.linalg.Matrix;

/**
 * A classifier that can differentiate with respect to its <em>input</em> (FGSM, PGD, model inversion).
 */
public interface GradientModel extends Classifier {
    /**
     * Gradient of the cross-entropy loss of each row with respect to that row's features.
     *
     * @param x      inputs, n × numFeatures
     * @param labels true (or target) class index for each row
     * @return n × numFeatures matrix; row i is ∂ loss_i / ∂ x_i
     */
    Matrix lossInputGradient(Matrix x, int[] labels);
}
