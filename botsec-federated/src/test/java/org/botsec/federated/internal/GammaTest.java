package org.botsec.federated.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GammaTest {
    /** Gamma(a, 1) has mean a and variance a; 200k draws put the sample moments within a few standard errors. */
    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 1.0, 3.0, 20.0})
    void momentsMatchTheGammaDistribution(double a) {
        SplittableRandom r = new SplittableRandom(11);
        int n = 200_000;
        double s = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double x = Gamma.sample(a, r);
            s += x;
            s2 += x * x;
        }
        double mean = s / n;
        double var = s2 / n - mean * mean;
        assertEquals(a, mean, 5 * Math.sqrt(a / n) + 1e-3, "mean");
        assertEquals(a, var, 0.05 * a + 1e-3, "variance");
    }
}
