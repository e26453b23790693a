package org.botsec.privacy;

import java.util.Objects;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Standardizer;

/**
 * The preprocessing in front of a privately trained model, as {@link PrivateTraining} applies it and states it in
 * the {@link org.botsec.core.prov.PrivacyGuarantee}: nothing fitted on the data, a scaler from public data or
 * fixed bounds (covered, costs no ε), a scaler fitted on the private data (NOT covered: its mean and scale are in
 * the model file without noise), or — for text — a {@link TextVocabulary} (public, DP-selected, or fitted on the
 * private texts). See {@link PreprocessingPrivacy} for why fitted statistics are not covered.
 */
public sealed interface Preprocessing permits Preprocessing.None, Preprocessing.PublicScaler,
        Preprocessing.ScalerFittedOnPrivateData, TextVocabulary {

    /** Whether the guarantee covers this preprocessing. */
    PreprocessingPrivacy privacy();

    /** Inputs used as given (e.g. pixels already scaled to fixed bounds): covered, costs no ε. */
    static Preprocessing none() {
        return new None();
    }

    /** A standardiser whose mean and scale come from public data or fixed bounds: covered, costs no ε. */
    static Preprocessing publicScaler(Standardizer scaler, String source) {
        return new PublicScaler(scaler, source);
    }

    /** A standardiser fitted on the private training data: NOT covered; the guarantee says so. */
    static Preprocessing scalerFittedOnPrivateData() {
        return new ScalerFittedOnPrivateData();
    }

    /** No preprocessing. */
    record None() implements Preprocessing {
        @Override
        public PreprocessingPrivacy privacy() {
            return PreprocessingPrivacy.PUBLIC_OR_FIXED;
        }
    }

    /**
     * A public standardiser.
     *
     * @param scaler the mean and scale, from public data or fixed bounds ([lo, hi] is mean lo, scale hi - lo)
     * @param source where it came from, in words (recorded in the guarantee)
     */
    record PublicScaler(Standardizer scaler, String source) implements Preprocessing {
        public PublicScaler {
            Objects.requireNonNull(scaler, "scaler");
            if (source == null || source.isBlank()) {
                throw BadInputException.of("a public scaler needs a source (where its mean and scale came from)");
            }
        }

        @Override
        public PreprocessingPrivacy privacy() {
            return PreprocessingPrivacy.PUBLIC_OR_FIXED;
        }
    }

    /** A standardiser fitted on the private training data by {@link PrivateTraining}. */
    record ScalerFittedOnPrivateData() implements Preprocessing {
        @Override
        public PreprocessingPrivacy privacy() {
            return PreprocessingPrivacy.FITTED_ON_PRIVATE_DATA;
        }
    }
}
