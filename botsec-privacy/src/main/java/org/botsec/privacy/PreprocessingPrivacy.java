package org.botsec.privacy;

import java.util.Locale;

/**
 * Whether the preprocessing in front of a DP-SGD model (a text pipeline's vocabulary and idf, a feature
 * scaler) is covered by the privacy guarantee. DP-SGD protects only what it trains: statistics fitted on the
 * private data before training are released in the model file without any noise, so the end-to-end guarantee
 * holds only with {@link #PUBLIC_OR_FIXED} or {@link #DIFFERENTIALLY_PRIVATE} preprocessing.
 */
public enum PreprocessingPrivacy {
    /** Fitted on the private training data: NOT covered; the model file reveals these statistics. */
    FITTED_ON_PRIVATE_DATA("preprocessing (vocabulary, idf, scaling) fitted on the private data is NOT covered by "
            + "the DP guarantee"),
    /** Fitted on public data, or fixed bounds chosen without looking at the data: covered (costs no ε). */
    PUBLIC_OR_FIXED("preprocessing from public data or fixed bounds: covered, costs no epsilon"),
    /** Fitted with a DP mechanism (e.g. {@link DpVocabulary}); its ε is composed into the total. */
    DIFFERENTIALLY_PRIVATE("preprocessing fitted with a DP mechanism; its epsilon is included in the total");

    private final String note;

    PreprocessingPrivacy(String note) {
        this.note = note;
    }

    /** The value written into provenance under {@code preprocessing}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A sentence for humans. */
    public String note() {
        return note;
    }

    /** True when the DP guarantee covers the whole pipeline. */
    public boolean covered() {
        return this != FITTED_ON_PRIVATE_DATA;
    }
}
