package org.botsec.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.internal.QuartileDiscretizer;
import org.junit.jupiter.api.Test;

class LimeTabularExplainerTest {

    private static Matrix training() {
        Matrix m = new Matrix(400, 3);
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int i = 0; i < 400; i++) {
            m.set(i, 0, r.nextGaussian());
            m.set(i, 1, 10 + 3 * r.nextGaussian());
            m.set(i, 2, r.nextDouble());
        }
        return m;
    }

    @Test
    void quartilesAreNumpyLinearPercentilesAndBinsAreLeftClosed() {
        Matrix t = Matrix.of(new double[][] {{1}, {2}, {3}, {4}});
        QuartileDiscretizer q = new QuartileDiscretizer(t, List.of("f"));
        // numpy.percentile([1,2,3,4], [25,50,75]) = [1.75, 2.5, 3.25]
        assertEquals("f <= 1.75", q.binName(0, 0));
        assertEquals("1.75 < f <= 2.50", q.binName(0, 1));
        assertEquals("f > 3.25", q.binName(0, 3));
        assertEquals(0, q.bin(0, 1.75)); // searchsorted side='left': a value equal to a cut stays below it
        assertEquals(1, q.bin(0, 1.76));
        assertEquals(3, q.bin(0, 9));
        assertEquals(4, q.numBins(0));
    }

    /**
     * A model that is exactly linear in LIME's interpretable features (the "same quartile bin as the instance"
     * indicators): undiscretised samples stay inside their bin, so the weighted ridge must recover the
     * coefficients (up to the tiny α = 1 shrinkage against thousands of samples) with R² ≈ 1.
     */
    @Test
    void recoversAModelThatIsLinearInTheBinIndicators() {
        Matrix train = training();
        QuartileDiscretizer q = new QuartileDiscretizer(train, List.of("a", "b", "c"));
        double[] row = {0.1, 14.0, 0.3};
        int[] bin = {q.bin(0, row[0]), q.bin(1, row[1]), q.bin(2, row[2])};
        java.util.function.Function<Matrix, Matrix> model = x -> {
            Matrix out = new Matrix(x.rows(), 2);
            for (int i = 0; i < x.rows(); i++) {
                double p = 0.2 + 0.5 * (q.bin(0, x.get(i, 0)) == bin[0] ? 1 : 0)
                        - 0.15 * (q.bin(1, x.get(i, 1)) == bin[1] ? 1 : 0);
                out.set(i, 0, 1 - p);
                out.set(i, 1, p);
            }
            return out;
        };
        Explanation e = LimeTabularExplainer.builder().trainingData(train).featureNames(List.of("a", "b", "c"))
                .seed(4).build().explainInstance(row, model, 10, 5000, 1);
        assertEquals(0.5, e.weightOf(q.binName(0, bin[0])), 2e-3);
        assertEquals(-0.15, e.weightOf(q.binName(1, bin[1])), 2e-3);
        assertEquals(0.0, e.weightOf(q.binName(2, bin[2])), 2e-3);
        assertEquals(0.2, e.intercept(), 2e-3);
        assertTrue(e.score() > 0.999, "score " + e.score());
        assertEquals(0.55, e.prediction(), 1e-12);
        assertEquals(ExplanationMethod.LIME_TABULAR, e.method());
    }

    @Test
    void continuousSamplingFindsTheFeatureThatMatters() {
        Matrix train = training();
        java.util.function.Function<Matrix, Matrix> model = x -> {
            Matrix out = new Matrix(x.rows(), 2);
            for (int i = 0; i < x.rows(); i++) {
                double p = 1 / (1 + Math.exp(-(0.8 * x.get(i, 0))));
                out.set(i, 0, 1 - p);
                out.set(i, 1, p);
            }
            return out;
        };
        Explanation e = LimeTabularExplainer.builder().trainingData(train).discretize(false).seed(1).build()
                .explainInstance(new double[] {0, 10, 0.5}, model, 1, 3000, 1);
        assertEquals("x0", e.weights().get(0).feature());
        assertTrue(e.weights().get(0).weight() > 0.1);
    }

    @Test
    void batchIsParallelAndDeterministicPerRow() {
        Matrix train = training();
        LimeTabularExplainer ex = LimeTabularExplainer.builder().trainingData(train).seed(8).build();
        java.util.function.Function<Matrix, Matrix> model = x -> {
            Matrix out = new Matrix(x.rows(), 2);
            for (int i = 0; i < x.rows(); i++) {
                double p = 1 / (1 + Math.exp(-x.get(i, 0)));
                out.set(i, 0, 1 - p);
                out.set(i, 1, p);
            }
            return out;
        };
        Matrix rows = train.selectRows(new int[] {0, 1, 2, 3, 4, 5});
        List<Explanation> a = ex.explainRows(rows, model, 3, 500, 1);
        List<Explanation> b = ex.explainRows(rows, model, 3, 500, 1);
        List<Explanation> single = ex.explainRows(train.selectRows(new int[] {0}), model, 3, 500, 1);
        for (int i = 0; i < 6; i++) {
            assertEquals(a.get(i).weights(), b.get(i).weights());
            assertEquals(org.botsec.explain.internal.Seeds.forRow(8, i), a.get(i).seed().getAsLong());
        }
        assertEquals(a.get(0).weights(), single.get(0).weights());
        List<Explanation> texts = LimeTextExplainer.builder().seed(3).build().explainTexts(
                List.of("good movie", "bad movie", "good movie"), TestModels::sentiment, 5, 500, 1);
        assertTrue(!texts.get(0).weights().equals(texts.get(2).weights()), "rows get different seeds");
        assertEquals(texts, LimeTextExplainer.builder().seed(3).build().explainTexts(
                List.of("good movie", "bad movie", "good movie"), TestModels::sentiment, 5, 500, 1));
    }

    @Test
    void rejectsBadInput() {
        LimeTabularExplainer ex = LimeTabularExplainer.builder().trainingData(training()).seed(1).build();
        assertThrows(BadInputException.class, () -> ex.explainInstance(new double[2], x -> new Matrix(x.rows(), 2), 5,
                100, 1));
        assertThrows(BadInputException.class, () -> ex.explainInstance(new double[3], x -> new Matrix(x.rows(), 2), 0,
                100, 1));
        assertThrows(BadInputException.class, () -> ex.explainInstance(new double[3], x -> new Matrix(x.rows(), 2), 5,
                100, 7));
    }
}
