package org.botsec.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * {@link Sgd} and {@link Adam} on tiny examples against numbers worked out by hand from the update rules (the
 * arithmetic is written next to each expectation).
 */
class OptimizerTest {
    @Test
    void plainSgd() {
        Sgd sgd = Sgd.builder().learningRate(0.1).build();
        double[] p = {1.0, 2.0};
        sgd.step(p, new double[] {0.5, -1.0});
        // 1 - 0.1*0.5 = 0.95; 2 - 0.1*(-1) = 2.1
        assertArrayEquals(new double[] {0.95, 2.1}, p, 1e-15);
    }

    @Test
    void sgdWithMomentum() {
        Sgd sgd = Sgd.builder().learningRate(0.1).momentum(0.9).build();
        double[] p = {1.0};
        sgd.step(p, new double[] {0.5});
        // v = 0.5; p = 1 - 0.1*0.5 = 0.95
        assertEquals(0.95, p[0], 1e-15);
        sgd.step(p, new double[] {-1.0});
        // v = 0.9*0.5 - 1 = -0.55; p = 0.95 + 0.055 = 1.005
        assertEquals(1.005, p[0], 1e-15);
    }

    @Test
    void sgdWithNesterovMomentum() {
        Sgd sgd = Sgd.builder().learningRate(0.1).momentum(0.9).nesterov(true).build();
        double[] p = {1.0};
        sgd.step(p, new double[] {0.5});
        // v = 0.5; step = g + 0.9 v = 0.95; p = 1 - 0.095 = 0.905
        assertEquals(0.905, p[0], 1e-15);
        sgd.step(p, new double[] {-1.0});
        // v = 0.45 - 1 = -0.55; step = -1 + 0.9*(-0.55) = -1.495; p = 0.905 + 0.1495 = 1.0545
        assertEquals(1.0545, p[0], 1e-15);
    }

    @Test
    void adamTwoStepsWithBiasCorrection() {
        Adam adam = Adam.builder().learningRate(0.1).build();
        double[] p = {1.0, -2.0};
        adam.step(p, new double[] {0.5, 0.0});
        // t=1: m = 0.05, v = 0.001*0.25 = 0.00025; m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25;
        // p = 1 - 0.1*0.5/(0.5 + 1e-8) = 1 - 0.1*(1 - 2e-8 + ...) = 0.900000002 (to 1e-15).
        // The second coordinate has g = 0, m = v = 0: no move.
        assertEquals(0.9 + 2e-9, p[0], 1e-15);
        assertEquals(-2.0, p[1], 0.0);
        adam.step(p, new double[] {-1.0, 0.0});
        // t=2: m = 0.9*0.05 - 0.1 = -0.055; v = 0.999*0.00025 + 0.001*1 = 0.00124975;
        // m̂ = -0.055/(1 - 0.81) = -0.28947368421; v̂ = 0.00124975/(1 - 0.998001) = 0.62518759380;
        // √v̂ = 0.79068805088; step = 0.1*m̂/(√v̂ + 1e-8) = -0.03661035224; p = 0.900000002 + 0.03661035224.
        double mHat = -0.055 / 0.19;
        double vHat = 0.00124975 / 0.001999;
        double expected = 0.900000002 - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
        assertEquals(0.93661035424, expected, 1e-11); // the hand value, to the digits worked out above
        assertEquals(expected, p[0], 1e-14);
        assertEquals(2, adam.steps());
    }

    @Test
    void resetForgetsState() {
        Adam adam = Adam.builder().learningRate(0.1).build();
        double[] p = {1.0};
        adam.step(p, new double[] {0.5});
        adam.reset();
        double[] q = {1.0};
        adam.step(q, new double[] {0.5});
        assertEquals(p[0], q[0], 0.0);
    }

    @Test
    void buildersValidate() {
        assertEquals("learningRate must be > 0 and finite, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> Sgd.builder().learningRate(-1)).getMessage());
        assertEquals("learningRate must be > 0 and finite, got NaN",
                assertThrows(IllegalArgumentException.class, () -> Adam.builder().learningRate(Double.NaN))
                        .getMessage());
        assertEquals("momentum must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> Sgd.builder().momentum(1.0)).getMessage());
        assertEquals("nesterov needs momentum > 0, got momentum 0.0",
                assertThrows(IllegalStateException.class,
                        () -> Sgd.builder().learningRate(0.1).nesterov(true).build()).getMessage());
        assertEquals("learningRate must be set",
                assertThrows(IllegalStateException.class, () -> Sgd.builder().build()).getMessage());
        assertEquals("beta2 must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> Adam.builder().beta2(1.0)).getMessage());
        assertEquals("beta1 must be in [0, 1), got -0.1",
                assertThrows(IllegalArgumentException.class, () -> Adam.builder().beta1(-0.1)).getMessage());
        assertEquals("epsilon must be > 0 and finite, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> Adam.builder().epsilon(0)).getMessage());
        assertEquals("beta1 was already set",
                assertThrows(IllegalStateException.class, () -> Adam.builder().beta1(0.5).beta1(0.6)).getMessage());
        assertEquals("learningRate was already set to 0.1",
                assertThrows(IllegalStateException.class, () -> Sgd.builder().learningRate(0.1).learningRate(0.2))
                        .getMessage());
    }
}
