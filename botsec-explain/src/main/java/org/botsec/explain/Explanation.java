package org.botsec.explain;

import org.botsec.core.BadInputException;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * The one result type of every explainer. For LIME the weights are the coefficients of the weighted ridge fitted
 * around the instance, {@link #intercept} its intercept, {@link #score} its weighted R² on the neighbourhood
 * (its fidelity) and {@link #localPrediction} its value at the instance. For SHAP the weights are the Shapley
 * values φ_i, {@link #intercept} is the base value E[f(background)], {@link #localPrediction} is base + Σφ and
 * {@link #score} is NaN (not applicable).
 *
 * @param method             how it was computed
 * @param classNames         the model's class names
 * @param label              the explained class index
 * @param classProbabilities the model's output for the instance, one per class
 * @param weights            feature weights; LIME: sorted by decreasing |weight|; SHAP: in feature order
 * @param intercept          LIME intercept, or SHAP base value
 * @param score              LIME weighted R², NaN for SHAP
 * @param localPrediction    the surrogate's prediction at the instance (LIME) or base + Σφ (SHAP)
 * @param prediction         the model's output for {@code label} at the instance (on the explained link scale)
 * @param seed               the seed that replays this explanation; empty for deterministic methods
 * @param numSamples         model evaluations of perturbed instances used (neighbourhood size or coalitions)
 * @param instance           what was explained
 */
public record Explanation(
        ExplanationMethod method,
        List<String> classNames,
        int label,
        List<Double> classProbabilities,
        List<FeatureWeight> weights,
        double intercept,
        double score,
        double localPrediction,
        double prediction,
        OptionalLong seed,
        int numSamples,
        Instance instance) {

    public Explanation {
        classNames = List.copyOf(classNames);
        classProbabilities = List.copyOf(classProbabilities);
        weights = List.copyOf(weights);
        if (label < 0 || label >= classNames.size()) {
            throw BadInputException.of("label must be in [0, %d), got %d", classNames.size(), label);
        }
    }

    /** The explained class's name. */
    public String labelName() {
        return classNames.get(label);
    }

    /** The weights as (feature, weight) pairs sorted by decreasing |weight| (lime's {@code as_list}). */
    public List<FeatureWeight> asList() {
        return weights.stream()
                .sorted(Comparator.comparingDouble((FeatureWeight w) -> -Math.abs(w.weight())))
                .toList();
    }

    /** The weight of the feature named {@code feature}, or 0 when it was not selected. */
    public double weightOf(String feature) {
        for (FeatureWeight w : weights) {
            if (w.feature().equals(feature)) {
                return w.weight();
            }
        }
        return 0.0;
    }

    /** Sum of all weights (for SHAP: prediction − base value when additivity holds). */
    public double sumOfWeights() {
        double s = 0;
        for (FeatureWeight w : weights) {
            s += w.weight();
        }
        return s;
    }
}
