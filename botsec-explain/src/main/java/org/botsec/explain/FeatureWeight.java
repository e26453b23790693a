package org.botsec.explain;

import org.botsec.core.BadInputException;
/**
 * One feature's weight in an explanation: a LIME coefficient of the local linear model, or a SHAP value.
 *
 * @param index   the feature's index in the explained instance (word id, column, superpixel)
 * @param feature the feature's readable name (the word, "age &lt;= 30.00", a column name, "segment 3")
 * @param weight  its weight; positive pushes towards the explained label
 */
public record FeatureWeight(int index, String feature, double weight) {
    public FeatureWeight {
        if (feature == null) {
            throw new BadInputException("feature name must not be null");
        }
    }
}
