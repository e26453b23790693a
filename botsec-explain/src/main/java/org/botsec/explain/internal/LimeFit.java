package org.botsec.explain.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.botsec.explain.FeatureSelection;

/**
 * LIME's shared fitting step (lime_base.explain_instance_with_data, Ribeiro et al. 2016, Algorithm 1): choose
 * features, then fit a weighted ridge with α = 1 and intercept on them. The score is the weighted R² of that
 * ridge on the neighbourhood and the local prediction its value at the instance (row 0).
 */
public final class LimeFit {
    /** Penalty of the explanation model (lime: {@code Ridge(alpha=1)}). */
    public static final double RIDGE_ALPHA = 1.0;
    /** Penalty of the ridge used to rank features in {@link FeatureSelection#HIGHEST_WEIGHTS} (lime: 0.01). */
    static final double HIGHEST_WEIGHTS_ALPHA = 0.01;

    private LimeFit() {
    }

    /** Selects features and fits the explanation model; the coefficients are in the order of the columns. */
    public static WeightedDesign.Fit fit(WeightedDesign design, int numFeatures, FeatureSelection selection) {
        int[] used = select(design, numFeatures, selection);
        return design.ridge(used, RIDGE_ALPHA);
    }

    /** The columns chosen by {@code selection}. */
    public static int[] select(WeightedDesign design, int numFeatures, FeatureSelection selection) {
        int d = design.numFeatures();
        switch (selection) {
            case NONE:
                return range(d);
            case AUTO:
                return select(design, numFeatures,
                        numFeatures <= 6 ? FeatureSelection.FORWARD_SELECTION : FeatureSelection.HIGHEST_WEIGHTS);
            case FORWARD_SELECTION:
                return forwardSelection(design, numFeatures);
            case HIGHEST_WEIGHTS:
                return highestWeights(design, numFeatures);
            case LASSO_PATH:
                return LassoPath.select(design, numFeatures);
            default:
                throw new IllegalArgumentException("unknown feature selection " + selection);
        }
    }

    private static int[] forwardSelection(WeightedDesign design, int numFeatures) {
        int d = design.numFeatures();
        List<Integer> used = new ArrayList<>();
        for (int step = 0; step < Math.min(numFeatures, d); step++) {
            double best = -1e8;
            int bestFeature = 0;
            for (int f = 0; f < d; f++) {
                if (used.contains(f)) {
                    continue;
                }
                int[] cols = new int[used.size() + 1];
                for (int i = 0; i < used.size(); i++) {
                    cols[i] = used.get(i);
                }
                cols[used.size()] = f;
                double score = design.ridge(cols, 0.0).score();
                if (score > best) {
                    best = score;
                    bestFeature = f;
                }
            }
            used.add(bestFeature);
        }
        return used.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] highestWeights(WeightedDesign design, int numFeatures) {
        int d = design.numFeatures();
        double[] coef = design.ridge(range(d), HIGHEST_WEIGHTS_ALPHA).coef();
        double[] x0 = design.instance();
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        // Stable sort by decreasing |coef · x0|, as Python's sorted(..., reverse=True).
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -Math.abs(coef[i] * x0[i])));
        int k = Math.min(numFeatures, d);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = order[i];
        }
        return out;
    }

    static int[] range(int d) {
        int[] r = new int[d];
        for (int i = 0; i < d; i++) {
            r[i] = i;
        }
        return r;
    }
}
