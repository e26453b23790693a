package org.botsec.attack.text;

import java.util.Locale;
import org.botsec.core.BadInputException;

/** How the word attack ranks the words of a text before editing them, most important first. */
public enum WordGuidance {
    /**
     * Leave-one-out: the drop in the probability of the label when the word is deleted (one query per word; black
     * box, any {@link org.botsec.core.model.TextClassifier}); the ranking step of Jin et al., "Is BERT Really
     * Robust?" (TextFooler), AAAI 2020.
     */
    DELETION("deletion"),
    /**
     * Input gradient of the TF-IDF pipeline: the first-order effect of the word's TF-IDF feature on log p(label),
     * ∂ log p_t/∂φ_w · φ_w (no queries; needs the model's weights, a {@link org.botsec.core.model.TextPipeline}).
     */
    GRADIENT("gradient");

    private final String label;

    WordGuidance(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static WordGuidance parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (WordGuidance g : values()) {
            if (g.label.equals(v)) {
                return g;
            }
        }
        throw BadInputException.of("guidance must be deletion or gradient, got '%s'", v);
    }
}
