package org.botsec.privacy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Statistical tests (fixed seeds, tolerances from the variance) and reference values for the internals. */
class SamplingAndNoiseTest {
    @Test
    void poissonBatchSizesAreBinomial() {
        int n = 10_000;
        double q = 0.02;
        PoissonSampler s = new PoissonSampler(n, q, new SplittableRandom(11));
        int draws = 2000;
        double sum = 0;
        double sumSq = 0;
        int[] inclusion = new int[n];
        for (int t = 0; t < draws; t++) {
            int[] batch = s.next();
            sum += batch.length;
            sumSq += (double) batch.length * batch.length;
            for (int i : batch) {
                inclusion[i]++;
            }
        }
        double mean = sum / draws;
        double var = (sumSq - draws * mean * mean) / (draws - 1);
        double binVar = n * q * (1 - q);
        assertEquals(n * q, mean, 5 * Math.sqrt(binVar / draws));
        assertEquals(binVar, var, 5 * binVar * Math.sqrt(2.0 / (draws - 1)));
        // first and last indices are sampled at the same rate as the rest (no edge bias in the gap sampler)
        double perIndex = draws * q;
        double sd = Math.sqrt(draws * q * (1 - q));
        double firstBlock = 0;
        double lastBlock = 0;
        for (int i = 0; i < 100; i++) {
            firstBlock += inclusion[i];
            lastBlock += inclusion[n - 1 - i];
        }
        assertEquals(100 * perIndex, firstBlock, 5 * 10 * sd);
        assertEquals(100 * perIndex, lastBlock, 5 * 10 * sd);
    }

    @Test
    void gaussianNoiseMomentsAndTail() {
        GaussianNoise g = new GaussianNoise(new SplittableRandom(5));
        double[] v = new double[200_001];
        g.add(v, 2.0);
        double sum = 0;
        double sumSq = 0;
        int beyond2Sigma = 0;
        for (double x : v) {
            sum += x;
            sumSq += x * x;
            beyond2Sigma += Math.abs(x) > 4.0 ? 1 : 0;
        }
        int n = v.length;
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        assertEquals(0, mean, 5 * 2.0 / Math.sqrt(n));
        assertEquals(4.0, var, 5 * 4.0 * Math.sqrt(2.0 / n));
        double p = 2 * SpecialFunctions.normalCdf(-2.0); // P(|Z| > 2)
        assertEquals(n * p, beyond2Sigma, 5 * Math.sqrt(n * p * (1 - p)));
    }

    @Test
    void erfcMatchesReferenceValues() {
        // reference values: CPython's math.erfc (Sun fdlibm, < 1 ulp) and, for log erfc(30), the asymptotic
        // series erfc(x)·exp(x²)·x√π = Σ (-1)ⁿ (2n-1)!!/(2x²)ⁿ summed to 30 terms
        assertEquals(0.4795001221869535, SpecialFunctions.erfc(0.5), 1e-15 * 0.48);
        assertEquals(0.004677734981047265, SpecialFunctions.erfc(2.0), 1e-15 * 0.0047);
        assertEquals(1.5374597944280351e-12, SpecialFunctions.erfc(5.0), 1e-15 * 1.54e-12);
        assertEquals(1.9999999999984626, SpecialFunctions.erfc(-5.0), 1e-15);
        assertEquals(-903.9741171106439, SpecialFunctions.logErfc(30.0), 1e-12);
        assertEquals(-1.0, SpecialFunctions.normalQuantile(SpecialFunctions.normalCdf(-1.0)), 1e-14);
        assertEquals(-9.5, SpecialFunctions.normalQuantile(SpecialFunctions.normalCdf(-9.5)), 1e-12);
    }

    @Test
    void fftSelfComposeEqualsDirectConvolution() {
        double[] re = {0.1, 0.5, 0.0, 0.4, 0, 0, 0, 0};
        double[] im = new double[8];
        Fft.transform(re, im, false);
        Fft.transform(re, im, true);
        assertEquals(0.5, re[1], 1e-15);
        assertEquals(0.4, re[3], 1e-15);
        assertTrue(Math.abs(im[2]) < 1e-15);
    }
}
