package org.botsec.privacy;

import java.util.List;
import org.botsec.core.BadInputException;

/**
 * Where a private text model's vocabulary comes from (see {@link PreprocessingPrivacy}): a public list of terms,
 * a differentially private selection from the training texts, or — not covered by the guarantee — the
 * training texts themselves.
 */
public sealed interface TextVocabulary extends Preprocessing {
    /** A vocabulary from public data (covered; costs no ε). */
    record Public(List<String> terms) implements TextVocabulary {
        public Public {
            if (terms == null || terms.isEmpty()) {
                throw BadInputException.of("a public vocabulary needs at least one term");
            }
            terms = List.copyOf(terms);
        }

        @Override
        public PreprocessingPrivacy privacy() {
            return PreprocessingPrivacy.PUBLIC_OR_FIXED;
        }
    }

    /**
     * A vocabulary selected with (ε, δ)-DP by {@link DpVocabulary} (covered; ε and δ add to DP-SGD's).
     *
     * @param epsilon              ε of the selection
     * @param delta                δ of the selection
     * @param maxTokensPerDocument k: distinct tokens counted per document
     * @param maxTerms             keep at most this many terms, by decreasing noisy count (post-processing)
     */
    record DifferentiallyPrivate(double epsilon, double delta, int maxTokensPerDocument, int maxTerms)
            implements TextVocabulary {
        public DifferentiallyPrivate {
            if (maxTerms < 1) {
                throw BadInputException.of("maxTerms must be >= 1, got %d", maxTerms);
            }
        }

        @Override
        public PreprocessingPrivacy privacy() {
            return PreprocessingPrivacy.DIFFERENTIALLY_PRIVATE;
        }
    }

    /** The vocabulary of the private training texts: NOT covered by the DP guarantee; stated in provenance. */
    record FittedOnPrivateData(int maxTerms) implements TextVocabulary {
        public FittedOnPrivateData {
            if (maxTerms < 1) {
                throw BadInputException.of("maxTerms must be >= 1, got %d", maxTerms);
            }
        }

        @Override
        public PreprocessingPrivacy privacy() {
            return PreprocessingPrivacy.FITTED_ON_PRIVATE_DATA;
        }
    }
}
