package org.botsec.attack.text;

import java.util.Locale;
import org.botsec.core.BadInputException;

/**
 * Which edits of a word the attack may try. Every set includes deleting the word. The candidates are chosen by
 * spelling, not meaning: they measure how a model reacts to words that a reader still recognises or that are one
 * keystroke away, not to paraphrases.
 */
public enum WordEdits {
    /** Delete the word. */
    DELETE("delete"),
    /**
     * Delete, or swap two adjacent inner letters ("great" → "graet", DeepWordBug's swap, Gao et al. 2018); with a
     * TF-IDF model only swaps that leave its vocabulary are tried.
     */
    TYPOS("typos"),
    /**
     * As {@link #TYPOS}, plus the words of the model's own vocabulary one edit away (Damerau–Levenshtein distance
     * 1: "bad" → "bed", "loved" → "love"); needs a model that exposes its vocabulary (the TF-IDF pipeline).
     */
    VOCABULARY("vocabulary");

    private final String label;

    WordEdits(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static WordEdits parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (WordEdits e : values()) {
            if (e.label.equals(v)) {
                return e;
            }
        }
        throw BadInputException.of("word edits must be delete, typos or vocabulary, got '%s'", v);
    }
}
