package org.botsec.explain;

/** The scale on which SHAP values add up: the model's probability itself, or its log-odds. */
public enum Link {
    /** φ add up to the probability: base + Σφ = f(x). */
    IDENTITY,
    /** φ add up to the log-odds: base + Σφ = log(f(x) / (1 − f(x))). */
    LOGIT;

    /** Maps a probability to this scale. */
    public double apply(double p) {
        return this == IDENTITY ? p : Math.log(p / (1.0 - p));
    }
}
