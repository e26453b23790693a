package org.botsec.privacy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NoisePrefetcher}: drawing one step ahead on the background thread must give the same vectors, in the
 * same order, as drawing inline (checked bit for bit with a seeded generator), and secure noise must have the
 * N(0, scale²) moments and tail (tolerances of 5 standard errors derived from the variance).
 */
class NoisePrefetcherTest {
    @Test
    void sameVectorsInSameOrderAsInlineDrawing() {
        int length = 1001;
        double scale = 1.7;
        GaussianNoise inline = new GaussianNoise(new SplittableRandom(9));
        NoisePrefetcher prefetched = new NoisePrefetcher(new GaussianNoise(new SplittableRandom(9)), length, scale);
        double[] previous = null;
        for (int step = 0; step < 5; step++) {
            double[] expected = new double[length];
            double[] actual = new double[length];
            for (int i = 0; i < length; i++) {
                expected[i] = actual[i] = 0.25 * i; // a "gradient" the noise is added to
            }
            inline.add(expected, scale);
            prefetched.addTo(actual);
            assertArrayEquals(expected, actual, 0.0, "step " + step);
            if (previous != null) {
                assertNotEquals(previous[0], actual[0], "a fresh vector each step");
            }
            previous = actual;
        }
    }

    @Test
    void secureNoiseMomentsAndTail() throws Exception {
        int length = 50_000;
        int steps = 4;
        double scale = 2.0;
        NoisePrefetcher p = new NoisePrefetcher(new GaussianNoise(SecureRandom.getInstance("DRBG")), length, scale);
        double sum = 0;
        double sumSq = 0;
        int beyond2Sigma = 0;
        for (int s = 0; s < steps; s++) {
            double[] out = new double[length];
            p.addTo(out);
            for (double v : out) {
                sum += v;
                sumSq += v * v;
                beyond2Sigma += Math.abs(v) > 2 * scale ? 1 : 0;
            }
        }
        int n = length * steps;
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        assertEquals(0, mean, 5 * scale / Math.sqrt(n));
        assertEquals(scale * scale, var, 5 * scale * scale * Math.sqrt(2.0 / n));
        double pTail = SpecialFunctions.erfc(2 / Math.sqrt(2)); // P(|Z| > 2)
        assertEquals(n * pTail, beyond2Sigma, 5 * Math.sqrt(n * pTail * (1 - pTail)));
    }
}
