package org.botsec.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.api.Test;

/** Expected values computed by hand from the definitions (scikit-learn's metrics documentation). */
class EvaluationTest {
    @Test
    void threeClassMetricsByHand() {
        int[] y = {0, 0, 1, 1, 2, 2};
        Matrix p = Matrix.of(new double[][] {
                {0.7, 0.2, 0.1}, // pred 0, correct
                {0.2, 0.5, 0.3}, // pred 1
                {0.1, 0.8, 0.1}, // pred 1, correct
                {0.3, 0.3, 0.4}, // pred 2
                {0.0, 0.0, 1.0}, // pred 2, correct
                {0.4, 0.4, 0.2}, // tie 0/1 -> 0 (first maximum, like numpy argmax)
        });
        Evaluation e = Evaluation.of(y, p, List.of("a", "b", "c"));
        assertEquals(6, e.size());
        assertEquals(0.5, e.accuracy(), 1e-15);
        assertArrayEquals(new int[] {1, 1, 0}, e.confusionMatrix()[0]);
        assertArrayEquals(new int[] {0, 1, 1}, e.confusionMatrix()[1]);
        assertArrayEquals(new int[] {1, 0, 1}, e.confusionMatrix()[2]);
        // class a: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
        // class b: tp 1, predicted 2, support 2 -> P 1/2, R 1/2
        // class c: tp 1, predicted 2, support 2
        for (Evaluation.ClassMetrics m : e.perClass()) {
            assertEquals(0.5, m.precision(), 1e-15);
            assertEquals(0.5, m.recall(), 1e-15);
            assertEquals(0.5, m.f1(), 1e-15);
            assertEquals(2, m.support());
        }
        // log loss: -(ln .7 + ln .2 + ln .8 + ln .3 + ln(1-1e-15 renormalised) + ln .2) / 6
        // row 5 clipped to {1e-15, 1e-15, 1-1e-15}: sum = 1 + 1e-15, p = (1-1e-15)/(1+1e-15)
        double row5 = Math.log((1 - 1e-15) / (1 + 1e-15));
        double expected = -(Math.log(0.7) + Math.log(0.2) + Math.log(0.8) + Math.log(0.3) + row5 + Math.log(0.2)) / 6;
        assertEquals(expected, e.logLoss(), 1e-12);
        assertEquals(0.5, e.macroF1(), 1e-15);
    }

    @Test
    void unevenBinaryCaseAndZeroDivision() {
        int[] y = {1, 1, 1, 0};
        Matrix p = Matrix.of(new double[][] {{0.1, 0.9}, {0.2, 0.8}, {0.6, 0.4}, {0.3, 0.7}});
        Evaluation e = Evaluation.of(y, p, List.of("neg", "pos"));
        assertEquals(0.5, e.accuracy(), 1e-15);
        // neg: tp 0, predicted 1 -> P 0, R 0 -> F1 0
        assertEquals(0.0, e.perClass().get(0).precision());
        assertEquals(0.0, e.perClass().get(0).f1());
        // pos: tp 2, predicted 3, support 3 -> P 2/3, R 2/3, F1 2/3
        assertEquals(2.0 / 3, e.perClass().get(1).precision(), 1e-15);
        assertEquals(2.0 / 3, e.perClass().get(1).recall(), 1e-15);
        assertEquals(2.0 / 3, e.perClass().get(1).f1(), 1e-15);
        assertEquals(1.0 / 3, e.macroF1(), 1e-15);
        assertEquals(1.0 / 3, e.macroPrecision(), 1e-15);
        double expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.3)) / 4;
        assertEquals(expected, e.logLoss(), 1e-14);

        // a class never predicted AND never present: precision and recall are 0 (zero_division=0)
        Evaluation e3 = Evaluation.of(new int[] {0, 1}, Matrix.of(new double[][] {{1, 0, 0}, {0, 1, 0}}),
                List.of("x", "y", "z"));
        assertEquals(0.0, e3.perClass().get(2).precision());
        assertEquals(0, e3.perClass().get(2).support());
        // a confidently wrong prediction costs -ln(1e-15) ~ 34.54, not infinity
        Evaluation wrong = Evaluation.of(new int[] {0}, Matrix.of(new double[][] {{0, 1}}), List.of("a", "b"));
        assertEquals(-Math.log(1e-15 / (1 + 1e-15 - 1e-15 + 1e-15 - 1e-15)), wrong.logLoss(), 1e-9);
    }

    @Test
    void rejectsInconsistentInput() {
        Matrix p = Matrix.of(new double[][] {{0.5, 0.5}});
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(new int[] {0, 1}, p, List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(new int[] {2}, p, List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(new int[] {0}, p, List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(new int[0], new Matrix(0, 2), List.of("a", "b")));
        assertThrows(IllegalArgumentException.class,
                () -> Evaluation.of(new int[] {0}, Matrix.of(new double[][] {{Double.NaN, 1}}), List.of("a", "b")));
    }
}
