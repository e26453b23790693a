package org.botsec.explain.internal;

/**
 * SHAP's interventional value function for one explained class, before the link: e(S) = Σ_b w_b f(x_S, b_rest)
 * over a weighted background (Lundberg &amp; Lee 2017, eq. 9–11 with feature independence). Two implementations:
 * {@link CoalitionValues} evaluates any model on synthetic rows, {@link LinearCoalitionValues} asks a linear model
 * for its scores and builds none. Implementations are immutable and thread-safe.
 */
public interface CoalitionValueFunction {
    /**
     * e(S) for each coalition.
     *
     * @param x       the explained row
     * @param columns column of each varying feature (the coalitions are over these)
     * @param masks   row-major count×M 0/1 masks, M = columns.length
     * @param count   number of coalitions
     */
    double[] expectedOutputs(double[] x, int[] columns, byte[] masks, int count);

    /** The model's probabilities for one row, one per class. */
    double[] probabilities(double[] x);

    /** e(∅) = Σ_b w_b f(b), computed once. */
    double backgroundOutput();
}
