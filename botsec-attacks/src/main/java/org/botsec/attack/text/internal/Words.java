package org.botsec.attack.text.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/** Word spans of a text (the runs that BotSec's TF-IDF tokenizer turns into tokens) and edits of one word. */
public final class Words {
    private Words() {
    }

    /**
     * One word of a text: characters [start, end) of the original, and its lower-case token.
     *
     * @param start first character
     * @param end   one past the last character
     * @param token the word in lower case, as the tokenizer sees it
     */
    public record Span(int start, int end, String token) {
    }

    /**
     * The maximal runs of two or more word characters (Python's {@code \w}: letters, numbers, underscore), as
     * {@link org.botsec.core.text.Tokenizer} finds them.
     */
    public static List<Span> spans(String text) {
        List<Span> out = new ArrayList<>();
        int start = -1;
        int run = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (wordChar(cp)) {
                if (start < 0) {
                    start = i;
                    run = 0;
                }
                run++;
            } else if (start >= 0) {
                if (run >= 2) {
                    out.add(new Span(start, i, text.substring(start, i).toLowerCase(Locale.ROOT)));
                }
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0 && run >= 2) {
            out.add(new Span(start, text.length(), text.substring(start).toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    static boolean wordChar(int cp) {
        if (cp == '_') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    /**
     * Typos that keep a word readable: two adjacent inner letters swapped, first and last letters kept (the
     * "swap" edit of Gao et al., DeepWordBug, 2018). Only those for which {@code keep} holds.
     */
    public static List<String> swaps(String word, Predicate<String> keep) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 1; i + 2 < word.length(); i++) {
            if (word.charAt(i) == word.charAt(i + 1)) {
                continue;
            }
            char[] c = word.toCharArray();
            char t = c[i];
            c[i] = c[i + 1];
            c[i + 1] = t;
            String s = new String(c);
            if (keep.test(s)) {
                out.add(s);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Words of {@code vocabulary} one edit away from {@code word} (one letter substituted, inserted, deleted, or
     * two adjacent letters transposed: Damerau–Levenshtein distance 1), over the letters that occur in the word and
     * a–z, 0–9; at most {@code max}, in a fixed order.
     */
    public static List<String> vocabularyNeighbours(String word, Predicate<String> inVocabulary, int max) {
        Set<String> out = new LinkedHashSet<>();
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        int n = word.length();
        for (int i = 0; i < n && out.size() < max; i++) { // deletions
            add(out, word.substring(0, i) + word.substring(i + 1), word, inVocabulary, max);
        }
        for (int i = 0; i + 1 < n && out.size() < max; i++) { // transpositions
            char[] c = word.toCharArray();
            char t = c[i];
            c[i] = c[i + 1];
            c[i + 1] = t;
            add(out, new String(c), word, inVocabulary, max);
        }
        for (int i = 0; i < n && out.size() < max; i++) { // substitutions
            for (int a = 0; a < alphabet.length() && out.size() < max; a++) {
                add(out, word.substring(0, i) + alphabet.charAt(a) + word.substring(i + 1), word, inVocabulary, max);
            }
        }
        for (int i = 0; i <= n && out.size() < max; i++) { // insertions
            for (int a = 0; a < alphabet.length() && out.size() < max; a++) {
                add(out, word.substring(0, i) + alphabet.charAt(a) + word.substring(i), word, inVocabulary, max);
            }
        }
        return new ArrayList<>(out);
    }

    private static void add(Set<String> out, String s, String word, Predicate<String> ok, int max) {
        if (s.length() >= 2 && !s.equals(word) && out.size() < max && ok.test(s)) {
            out.add(s);
        }
    }
}
