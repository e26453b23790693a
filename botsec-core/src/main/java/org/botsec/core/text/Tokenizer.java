package org.botsec.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * scikit-learn's default analyzer for {@code CountVectorizer}/{@code TfidfVectorizer}: lowercase the text, then
 * take the matches of the token pattern {@code (?u)\b\w\w+\b}. Matches of that pattern are exactly the maximal
 * runs of two or more word characters, so this is implemented as a scan over code points with Python's
 * definition of a word character ({@code str.isalnum()} or underscore: Unicode letters L*, numbers Nd/Nl/No, and
 * {@code _}) — regex engines differ on marks and connector punctuation, the scan does not. Thread-safe.
 */
public final class Tokenizer {
    private static final Tokenizer DEFAULT = new Tokenizer();

    private Tokenizer() {
    }

    /** The scikit-learn default tokenizer. */
    public static Tokenizer standard() {
        return DEFAULT;
    }

    /** The tokens of {@code text}, in order, with repeats. */
    public List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        int start = -1;
        int runLength = 0;
        int i = 0;
        int n = lower.length();
        while (i < n) {
            int cp = lower.codePointAt(i);
            if (isWordChar(cp)) {
                if (start < 0) {
                    start = i;
                    runLength = 0;
                }
                runLength++;
            } else if (start >= 0) {
                if (runLength >= 2) {
                    tokens.add(lower.substring(start, i));
                }
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0 && runLength >= 2) {
            tokens.add(lower.substring(start));
        }
        return tokens;
    }

    /** Python's {@code \w} in Unicode mode: {@code ch.isalnum() or ch == '_'}. */
    static boolean isWordChar(int cp) {
        if (cp == '_') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return true;
            default:
                return false;
        }
    }
}
