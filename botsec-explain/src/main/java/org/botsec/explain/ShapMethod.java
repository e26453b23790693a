package org.botsec.explain;

/** How SHAP values are computed. */
public enum ShapMethod {
    /** Kernel SHAP: weighted least squares over sampled coalitions (any model). */
    KERNEL,
    /** Exact Shapley values by enumerating all 2^M coalitions (any model, M ≤ {@link ShapExplainer#MAX_EXACT_FEATURES}). */
    EXACT,
    /** Closed form for linear models on their margin. */
    LINEAR
}
