package org.botsec.attack.text;

import java.util.Objects;

/**
 * One word the attack changed.
 *
 * @param position    index of the word among the text's words (0-based)
 * @param original    the word as it was (lower case)
 * @param replacement what it became ("" for a deletion)
 */
public record WordChange(int position, String original, String replacement) {
    public WordChange {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(replacement, "replacement");
    }
}
