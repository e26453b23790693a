package org.botsec.federated.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.botsec.federated.Strategy;
import org.junit.jupiter.api.Test;

/** Reddi et al. 2021, Algorithm 2, two server steps computed by hand. */
class ServerOptimizerTest {
    @Test
    void fedAdamAndFedYogiFollowAlgorithmTwo() {
        double eta = 0.1;
        double b1 = 0.9;
        double b2 = 0.99;
        double tau = 1e-3;
        double[] d1 = {0.5, -2.0};
        double[] d2 = {0.1, 1.0};
        for (boolean yogi : new boolean[] {false, true}) {
            Strategy s = yogi ? new Strategy.FedYogi(eta, b1, b2, tau) : new Strategy.FedAdam(eta, b1, b2, tau);
            ServerOptimizer opt = new ServerOptimizer(s, 2);
            double[] x = {1.0, 1.0};
            opt.step(x, d1);
            opt.step(x, d2);
            double[] expect = new double[2];
            for (int j = 0; j < 2; j++) {
                double m = 0;
                double v = tau * tau;
                double xj = 1.0;
                for (double[] d : new double[][] {d1, d2}) {
                    m = b1 * m + (1 - b1) * d[j];
                    double g2 = d[j] * d[j];
                    v = yogi ? v - (1 - b2) * g2 * Math.signum(v - g2) : b2 * v + (1 - b2) * g2;
                    xj += eta * m / (Math.sqrt(v) + tau);
                }
                expect[j] = xj;
            }
            assertArrayEquals(expect, x, 1e-14, yogi ? "yogi" : "adam");
        }
    }

    @Test
    void fedAvgAddsTheDelta() {
        double[] x = {1, 2};
        new ServerOptimizer(new Strategy.FedAvg(), 2).step(x, new double[] {0.5, -1});
        assertArrayEquals(new double[] {1.5, 1}, x, 0.0);
    }
}
