package org.botsec.explain.internal;

/**
 * One row's SHAP result before it becomes an {@code Explanation}: values per feature (in column order), the base
 * value and the explained output on the link scale, the model's probabilities, and the coalitions evaluated.
 * Arrays are copied in and out.
 */
public record ShapValues(double[] phi, double base, double output, double[] probabilities, int numCoalitions) {
    public ShapValues {
        phi = phi.clone();
        probabilities = probabilities.clone();
    }

    @Override
    public double[] phi() {
        return phi.clone();
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }
}
