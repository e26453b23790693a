package org.botsec.explain;

/** How an {@link Explanation} was computed. */
public enum ExplanationMethod {
    /** LIME on words of a text (Ribeiro, Singh, Guestrin 2016). */
    LIME_TEXT,
    /** LIME on a tabular row with a quartile discretiser. */
    LIME_TABULAR,
    /** LIME on the superpixels of an image. */
    LIME_IMAGE,
    /** Kernel SHAP: weighted linear regression over coalitions (Lundberg &amp; Lee 2017, Theorem 2). */
    KERNEL_SHAP,
    /** Exact Shapley values by enumerating every coalition. */
    EXACT_SHAP,
    /** Linear SHAP in closed form, φ_i = β_i (x_i − E[x_i]) on the model's margin. */
    LINEAR_SHAP;

    /** True for the SHAP family, whose weights add up to prediction − base value. */
    public boolean isShap() {
        return this == KERNEL_SHAP || this == EXACT_SHAP || this == LINEAR_SHAP;
    }
}
