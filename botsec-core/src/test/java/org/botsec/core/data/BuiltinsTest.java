package org.botsec.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;

/** Sizes and class counts checked against each data set's README (copied next to the data). */
class BuiltinsTest {

    private static int[] counts(int[] y, int k) {
        int[] c = new int[k];
        for (int v : y) {
            c[v]++;
        }
        return c;
    }

    private static double min(double[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : a) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    @Test
    void namesAndKinds() {
        assertEquals(7, Builtins.names().size());
        assertTrue(Builtins.isText("sentiment_sentences"));
        assertTrue(Builtins.isText("spamassassin"));
        assertFalse(Builtins.isText("breast_cancer"));
    }

    @Test
    void breastCancerMatchesReadme() {
        Dataset d = Builtins.load("breast_cancer", Split.ALL);
        assertEquals(569, d.size());
        assertEquals(30, d.numFeatures());
        assertEquals(List.of("malignant", "benign"), d.classNames());
        assertArrayEquals(new int[] {212, 357}, counts(d.y(), 2));
        assertEquals("mean_radius", d.featureNames().get(0));
        assertEquals(17.99, d.x().get(0, 0));
        // README sha256 of breast_cancer.csv
        assertEquals("9b9e3a2fe53a2264f7e756aff00ab883450186c47bfb2027b4d90ca51d23347d", d.sha256());
    }

    @Test
    void stratifiedSplitIsEightyTwentyAndDisjoint() {
        Dataset train = Builtins.load("breast_cancer", Split.TRAIN);
        Dataset test = Builtins.load("breast_cancer", Split.TEST);
        assertEquals(569, train.size() + test.size());
        // round(0.2 * 212) = 42 malignant, round(0.2 * 357) = 71 benign in the test part
        assertArrayEquals(new int[] {42, 71}, counts(test.y(), 2));
        int[][] again = Splits.stratified(Builtins.load("breast_cancer", Split.ALL).y(), 0.2, Builtins.SPLIT_SEED);
        assertEquals(test.size(), again[1].length);
    }

    @Test
    void digitsScaledBySixteen() {
        Dataset d = Builtins.load("digits8x8", Split.ALL);
        assertEquals(1797, d.size());
        assertEquals(64, d.numFeatures());
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, counts(d.y(), 10));
        assertEquals(0.0, min(d.x().data()));
        assertEquals(1.0, max(d.x().data()));
        assertEquals(5.0 / 16.0, d.x().get(0, 2));
    }

    @Test
    void creditOneHot() {
        Dataset d = Builtins.load("credit_g", Split.ALL);
        assertEquals(1000, d.size());
        assertEquals(List.of("bad", "good"), d.classNames());
        assertArrayEquals(new int[] {300, 700}, counts(d.y(), 2));
        assertEquals(61, d.numFeatures()); // 7 numeric + 54 one-hot indicators of 13 categorical columns
        assertTrue(d.featureNames().contains("duration"));
        assertTrue(d.featureNames().contains("checking_status=<0"));
        assertEquals("38b6dbf6fb4b0311a3ffc005730f42623128591fb36473ab3c22d270c0467632", d.sha256());
    }

    @Test
    void imageSets() {
        Dataset m = Builtins.load("mnist10k", Split.ALL);
        assertEquals(10000, m.size());
        assertEquals(784, m.numFeatures());
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, counts(m.y(), 10));
        assertEquals(1.0, max(m.x().data()));
        Dataset ftrain = Builtins.load("fashion_mnist", Split.TRAIN);
        Dataset ftest = Builtins.load("fashion_mnist", Split.TEST);
        assertArrayEquals(new int[] {942, 1027, 1016, 1019, 974, 989, 1021, 1022, 990, 1000}, counts(ftrain.y(), 10));
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                counts(ftest.y(), 10));
        assertEquals("Ankle boot", ftest.classNames().get(9));
        assertEquals(20000, Builtins.load("fashion_mnist", Split.ALL).size());
    }

    @Test
    void textSets() {
        TextDataset s = Builtins.loadText("sentiment_sentences", Split.ALL);
        assertEquals(3000, s.size());
        assertEquals(List.of("negative", "positive"), s.classNames());
        assertArrayEquals(new int[] {1500, 1500}, counts(s.y(), 2));
        assertEquals("65ae909880b09ad623f6c771a417b90bae35965b93c1a4a0f4b85dd0a71f2c60", s.sha256());
        TextDataset spam = Builtins.loadText("spamassassin", Split.ALL);
        assertEquals(6046, spam.size());
        assertEquals(List.of("ham", "spam"), spam.classNames());
        assertArrayEquals(new int[] {4150, 1896}, counts(spam.y(), 2));
        assertEquals("ddd593761af49416198de8facac846044b15460ca2ceb984ff22bf986f17b96e", spam.sha256());
        assertEquals(2400, Builtins.loadText("sentiment_sentences", Split.TRAIN).size());
    }

    @Test
    void splitSizesDocumentedInDataMd() {
        assertEquals(800, Builtins.load("credit_g", Split.TRAIN).size());
        assertEquals(200, Builtins.load("credit_g", Split.TEST).size());
        assertEquals(1438, Builtins.load("digits8x8", Split.TRAIN).size());
        assertEquals(359, Builtins.load("digits8x8", Split.TEST).size());
        assertEquals(4837, Builtins.loadText("spamassassin", Split.TRAIN).size());
        assertEquals(1209, Builtins.loadText("spamassassin", Split.TEST).size());
    }

    @Test
    void unknownNameListsKnownOnes() {
        BadInputException e = assertThrows(BadInputException.class, () -> Builtins.load("iris", Split.ALL));
        assertTrue(e.getMessage().contains("'iris'"), e.getMessage());
        assertTrue(e.getMessage().contains("breast_cancer"), e.getMessage());
        assertThrows(BadInputException.class, () -> Builtins.load("spamassassin", Split.ALL));
        assertThrows(BadInputException.class, () -> Builtins.loadText("digits8x8", Split.ALL));
    }

    @Test
    void copiesAreIndependent() {
        Dataset a = Builtins.load("breast_cancer", Split.ALL);
        a.x().set(0, 0, -1);
        assertEquals(17.99, Builtins.load("breast_cancer", Split.ALL).x().get(0, 0));
    }
}
