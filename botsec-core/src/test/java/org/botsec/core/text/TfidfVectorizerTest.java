package org.botsec.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.api.Test;

/** Hand-computed expectations following scikit-learn's documented TfidfVectorizer defaults. */
class TfidfVectorizerTest {

    @Test
    void tokenizerFollowsScikitLearnDefaultPattern() {
        Tokenizer t = Tokenizer.standard();
        assertEquals(List.of("hello", "world", "42", "ça_va"), t.tokenize("Hello, World! I'm 42 ça_va x"));
        assertEquals(List.of("naïve", "café"), t.tokenize("naïve café"));
        // A combining accent (category Mn) is not a word character for Python's re: the token ends before it.
        assertEquals(List.of("cafe"), t.tokenize("cafe\u0301"));
        // Superscript two is numeric (No): part of the word, as str.isalnum() says.
        assertEquals(List.of("x²y"), t.tokenize("x²y"));
        assertEquals(List.of(), t.tokenize("a b c !"));
    }

    @Test
    void vocabularyIdfAndL2RowsByHand() {
        // tokens: d1 = [the, cat], d2 = [the, the, dog], d3 = [cat, a_b] ("s" and "i" are single characters)
        List<String> docs = List.of("The cat", "the THE dog", "Cat's i a_b");
        TfidfVectorizer v = TfidfVectorizer.fit(docs);
        assertEquals(List.of("a_b", "cat", "dog", "the"), v.terms());
        assertEquals(3, v.vocabulary().get("the"));
        double idf1 = Math.log(4.0 / 2.0) + 1; // df = 1, n = 3: ln((1+3)/(1+1)) + 1
        double idf2 = Math.log(4.0 / 3.0) + 1; // df = 2
        double[] idf = v.idf();
        assertEquals(idf1, idf[0], 1e-15);
        assertEquals(idf2, idf[1], 1e-15);
        assertEquals(idf1, idf[2], 1e-15);
        assertEquals(idf2, idf[3], 1e-15);
        Matrix x = v.transform(docs);
        assertEquals(Math.sqrt(0.5), x.get(0, 1), 1e-15);
        assertEquals(Math.sqrt(0.5), x.get(0, 3), 1e-15);
        assertEquals(0.0, x.get(0, 0));
        double the = 2 * idf2;
        double dog = idf1;
        double norm = Math.hypot(the, dog);
        assertEquals(the / norm, x.get(1, 3), 1e-15);
        assertEquals(dog / norm, x.get(1, 2), 1e-15);
        double n3 = Math.hypot(idf2, idf1);
        assertEquals(idf2 / n3, x.get(2, 1), 1e-15);
        assertEquals(idf1 / n3, x.get(2, 0), 1e-15);
    }

    @Test
    void unknownTermsIgnoredAndEmptyRowsStayZero() {
        TfidfVectorizer v = TfidfVectorizer.fit(List.of("good movie", "bad movie"));
        Matrix x = v.transform(List.of("unseen words only", "GOOD good unseen"));
        for (int j = 0; j < 3; j++) {
            assertEquals(0.0, x.get(0, j));
        }
        assertEquals(1.0, x.get(1, v.indexOf("good")), 1e-15);
        assertEquals(-1, v.indexOf("unseen"));
    }

    @Test
    void rebuiltFromVocabularyGivesSameVectors() {
        List<String> docs = List.of("a first document", "the second document", "and a third one");
        TfidfVectorizer v = TfidfVectorizer.fit(docs);
        TfidfVectorizer w = new TfidfVectorizer(v.terms(), v.idf());
        Matrix a = v.transform(docs);
        Matrix b = w.transform(docs);
        for (int i = 0; i < a.data().length; i++) {
            assertEquals(a.data()[i], b.data()[i], 0.0);
        }
        TfidfVectorizer fromMap = new TfidfVectorizer(v.vocabulary(), v.idf());
        assertEquals(v.terms(), fromMap.terms());
        assertThrows(IllegalArgumentException.class,
                () -> new TfidfVectorizer(java.util.Map.of("x", 0, "y", 2), new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new TfidfVectorizer(List.of("x", "x"), new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new TfidfVectorizer(List.of("x"), new double[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> TfidfVectorizer.fit(List.of("a b", "!")));
    }
}
