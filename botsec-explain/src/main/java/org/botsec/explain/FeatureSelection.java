package org.botsec.explain;

/** How LIME chooses the features of its local model (lime's {@code feature_selection}). */
public enum FeatureSelection {
    /** Forward selection when numFeatures &lt;= 6, highest weights otherwise (lime's default). */
    AUTO,
    /** Greedily add the feature that most raises the weighted R² of an unregularised fit. */
    FORWARD_SELECTION,
    /** Fit a ridge (α = 0.01) on all features, keep the largest |coefficient × instance value|. */
    HIGHEST_WEIGHTS,
    /** Walk the lasso (LARS) path and keep the last set with at most numFeatures non-zero coefficients. */
    LASSO_PATH,
    /** Use every feature; numFeatures is ignored. */
    NONE
}
