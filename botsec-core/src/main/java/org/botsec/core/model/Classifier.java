package org.botsec.core.model;

import java.util.List;
import org.botsec.core.linalg.Matrix;

/**
 * A model that gives class probabilities for numeric feature rows. This is all a black-box consumer needs:
 * LIME, Kernel SHAP, black-box attacks, membership inference by scores, model extraction.
 */
public interface Classifier {
    /** Probabilities, one row per input row and one column per class; rows sum to 1. */
    Matrix predictProba(Matrix x);

    /** Class names, in the column order of {@link #predictProba}. */
    List<String> classNames();

    /** Number of input features each row must have. */
    int numFeatures();

    /** Names of the input features (generated names such as {@code x0} when the data had none). */
    List<String> featureNames();

    default int numClasses() {
        return classNames().size();
    }
}
