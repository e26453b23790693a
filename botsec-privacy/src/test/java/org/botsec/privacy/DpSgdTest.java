package org.botsec.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.rand.Randomness;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.privacy.accountant.PrivacyAccountant;
import org.botsec.privacy.internal.ShuffleSampler;
import org.junit.jupiter.api.Test;

/** DP-SGD against brute-force oracles (naive per-example clipping, plain SGD) and statistical tests. */
class DpSgdTest {
    /** Two Gaussian blobs per class in d dimensions; labels 0..k-1. */
    static Object[] data(int n, int d, int k, double spread, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Matrix x = new Matrix(n, d);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % k;
            for (int j = 0; j < d; j++) {
                double centre = (j % k == y[i]) ? 2.0 : 0.0;
                x.set(i, j, centre + spread * gaussian(r));
            }
        }
        return new Object[] {x, y};
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    static double norm(double[] v) {
        double s = 0;
        for (double a : v) {
            s += a * a;
        }
        return Math.sqrt(s);
    }

    static DpSgdConfig.Builder base(double c, double sigma, int batchSize) {
        return DpSgdConfig.builder().l2NormClip(c).noiseMultiplier(sigma).learningRate(0.1).batchSize(batchSize)
                .steps(10).delta(1e-5);
    }

    static DpSgdConfig.Builder base() {
        return base(1.0, 1.0, 10);
    }

    @Test
    void zeroNoiseAndHugeClipEqualsPlainMinibatchSgdOnTheSameBatches() {
        Object[] dd = data(200, 4, 3, 1.0, 1);
        Matrix x = (Matrix) dd[0];
        int[] y = (int[]) dd[1];
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1e9).noiseMultiplier(0.0).learningRate(0.2)
                .batchSize(20).steps(25).delta(1e-5).sampling(Sampling.SHUFFLE).insecureSeed(42).build();
        SoftmaxRegressionModel dp = new SoftmaxRegressionModel(4, 3);
        DpResult result = DpTraining.train(dp, x, y, config, DpProgressListener.none());
        assertEquals(Double.POSITIVE_INFINITY, result.spent().epsilon(), "no noise, no privacy");

        // plain minibatch SGD: θ ← θ - lr · mean gradient, on the batches the same sampler draws
        SoftmaxRegressionModel plain = new SoftmaxRegressionModel(4, 3);
        ShuffleSampler sampler = new ShuffleSampler(200, 20, new SplittableRandom(42));
        for (int t = 0; t < 25; t++) {
            int[] batch = sampler.next();
            double[] mean = new double[plain.numParameters()];
            for (int i : batch) {
                double[] g = plain.exampleGradient(x, y, i);
                for (int p = 0; p < g.length; p++) {
                    mean[p] += g[p] / batch.length;
                }
            }
            for (int p = 0; p < mean.length; p++) {
                plain.theta[p] -= 0.2 * mean[p];
            }
        }
        assertArrayEquals(plain.theta, dp.theta, 1e-12);
    }

    @Test
    void eachClippedContributionHasNormAtMostC() {
        // large inputs give large gradients, so most examples are clipped
        Object[] dd = data(50, 6, 3, 30.0, 2);
        Matrix x = (Matrix) dd[0];
        int[] y = (int[]) dd[1];
        SoftmaxRegressionModel model = new SoftmaxRegressionModel(6, 3);
        new SplittableRandom(3).doubles(model.theta.length, -0.5, 0.5).toArray();
        double c = 0.75;
        DpSgd dpSgd = new DpSgd(base(c, 1.0, 10).insecureSeed(1).build(), model);
        int clipped = 0;
        double[] naiveSum = new double[model.numParameters()];
        for (int i = 0; i < 50; i++) {
            Matrix one = x.selectRows(new int[] {i});
            int[] yi = {y[i]};
            double[] contribution = new double[model.numParameters()];
            dpSgd.clippedSum(one, yi, contribution);
            double[] raw = model.exampleGradient(x, y, i);
            double rawNorm = norm(raw);
            assertTrue(norm(contribution) <= c * (1 + 1e-12), "example " + i + ": " + norm(contribution));
            double expectedScale = Math.min(1.0, c / rawNorm);
            for (int p = 0; p < raw.length; p++) {
                assertEquals(raw[p] * expectedScale, contribution[p], 1e-12);
                naiveSum[p] += raw[p] * expectedScale;
            }
            clipped += rawNorm > c ? 1 : 0;
        }
        assertTrue(clipped > 10, "the test must exercise clipping, clipped " + clipped);
        // the batch at once (one group-norm call + one weighted sum) equals the naive loop
        double[] batchSum = new double[model.numParameters()];
        int[] all = new int[50];
        for (int i = 0; i < 50; i++) {
            all[i] = i;
        }
        dpSgd.clippedSum(x.selectRows(all), y, batchSum);
        assertArrayEquals(naiveSum, batchSum, 1e-10);
    }

    /** Wraps a model and keeps the microbatch assignment DP-SGD hands to it. */
    static final class RecordingModel implements org.botsec.core.model.PerExampleGradients {
        final SoftmaxRegressionModel inner;
        int[] groups;
        int numGroups;

        RecordingModel(SoftmaxRegressionModel inner) {
            this.inner = inner;
        }

        @Override
        public int numParameters() {
            return inner.numParameters();
        }

        @Override
        public void getParameters(double[] out) {
            inner.getParameters(out);
        }

        @Override
        public void setParameters(double[] in) {
            inner.setParameters(in);
        }

        @Override
        public double[] groupGradientSquaredNorms(Matrix x, int[] labels, int[] g, int n) {
            groups = g.clone();
            numGroups = n;
            return inner.groupGradientSquaredNorms(x, labels, g, n);
        }

        @Override
        public void weightedGradientSum(Matrix x, int[] labels, double[] weights, double[] out) {
            inner.weightedGradientSum(x, labels, weights, out);
        }
    }

    @Test
    void microbatchesClipTheirMeanGradient() {
        Object[] dd = data(12, 3, 2, 20.0, 4);
        Matrix x = (Matrix) dd[0];
        int[] y = (int[]) dd[1];
        RecordingModel model = new RecordingModel(new SoftmaxRegressionModel(3, 2));
        double c = 0.5;
        DpSgdConfig config = base(c, 1.0, 12).numMicrobatches(4).insecureSeed(1).build();
        assertEquals(0.5, config.accountingNoiseMultiplier(), "sensitivity 2C with multi-example microbatches");
        double[] sum = new double[model.numParameters()];
        new DpSgd(config, model).clippedSum(x, y, sum);
        assertEquals(4, model.numGroups);
        // oracle: the mean gradient of each group DP-SGD formed (sizes vary; an empty group adds nothing), clipped
        double[] expected = new double[model.numParameters()];
        for (int g = 0; g < 4; g++) {
            double[] mean = new double[model.numParameters()];
            int size = 0;
            for (int i = 0; i < 12; i++) {
                size += model.groups[i] == g ? 1 : 0;
            }
            for (int i = 0; i < 12; i++) {
                if (model.groups[i] == g) {
                    double[] gi = model.inner.exampleGradient(x, y, i);
                    for (int p = 0; p < mean.length; p++) {
                        mean[p] += gi[p] / size;
                    }
                }
            }
            double scale = size == 0 ? 0 : Math.min(1, c / norm(mean));
            for (int p = 0; p < mean.length; p++) {
                expected[p] += mean[p] * scale;
            }
        }
        assertArrayEquals(expected, sum, 1e-12);
    }

    /**
     * The sensitivity 2C of microbatched DP-SGD under add/remove neighbours needs every example's microbatch to be
     * drawn independently and uniformly, whatever its position in the batch (then the runs on neighbouring data sets
     * can be coupled so that only the added example's microbatch changes). Checked by chi-square: the group of the
     * example at position 0, of the one at position 5, and the pair (position 0, position 1), over 4,000 steps on
     * batches of random size. The old rule "position i goes to group i mod M" fails all three (position 0 always in
     * group 0).
     */
    @Test
    void microbatchOfEachExampleIsUniformAndIndependentOfItsPosition() {
        int m = 4;
        RecordingModel model = new RecordingModel(new SoftmaxRegressionModel(2, 2));
        DpSgd dpSgd = new DpSgd(base(1.0, 1.0, 8).numMicrobatches(m).insecureSeed(3).build(), model);
        SplittableRandom sizes = new SplittableRandom(5);
        int steps = 4000;
        long[] first = new long[m];
        long[] sixth = new long[m];
        long[] pairs = new long[m * m];
        double[] out = new double[model.numParameters()];
        for (int t = 0; t < steps; t++) {
            int b = 6 + sizes.nextInt(6); // Poisson batches vary in size
            Object[] dd = data(b, 2, 2, 1.0, t);
            dpSgd.clippedSum((Matrix) dd[0], (int[]) dd[1], out);
            first[model.groups[0]]++;
            sixth[model.groups[5]]++;
            pairs[model.groups[0] * m + model.groups[1]]++;
        }
        // 99.9% quantiles of chi-square: 3 degrees of freedom 16.27, 15 degrees of freedom 37.70
        assertTrue(chiSquare(first, steps) < 16.27, "position 0: " + java.util.Arrays.toString(first));
        assertTrue(chiSquare(sixth, steps) < 16.27, "position 5: " + java.util.Arrays.toString(sixth));
        assertTrue(chiSquare(pairs, steps) < 37.70, "positions 0 and 1: " + java.util.Arrays.toString(pairs));
    }

    static double chiSquare(long[] counts, int total) {
        double expected = (double) total / counts.length;
        double chi = 0;
        for (long c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        return chi;
    }

    @Test
    void seededNoiseOnlyThroughTheLoudlyNamedOption() {
        // the public constructor takes no generator; the loop's own constructor refuses a seed the config lacks
        for (java.lang.reflect.Constructor<?> k : DpSgd.class.getConstructors()) {
            for (Class<?> p : k.getParameterTypes()) {
                assertFalse(Randomness.class.isAssignableFrom(p)
                        || java.util.random.RandomGenerator.class.isAssignableFrom(p), k.toString());
            }
        }
        SoftmaxRegressionModel model = new SoftmaxRegressionModel(2, 2);
        assertThrows(IllegalArgumentException.class, () -> new DpSgd(base().build(), model, Randomness.replayable(1)));
        assertTrue(new DpSgd(base().build(), model).noise().secure());
        DpSgd seeded = new DpSgd(base().insecureSeed(5).build(), model);
        assertFalse(seeded.noise().secure());
        assertEquals("seeded (not private)", seeded.noise().label());
    }

    @Test
    void noiseVarianceIsSigmaSquaredCSquaredOverBSquared() {
        // An empty batch makes the private gradient pure noise N(0, σ²C²)/B per coordinate.
        double sigma = 1.3;
        double c = 0.7;
        int b = 50;
        SoftmaxRegressionModel model = new SoftmaxRegressionModel(400, 5); // 2005 parameters
        DpSgd dpSgd = new DpSgd(base(c, sigma, b).insecureSeed(20261126L).build(), model);
        int draws = 0;
        double sum = 0;
        double sumSq = 0;
        for (int step = 0; step < 5; step++) {
            for (double v : dpSgd.step(new Matrix(0, 400), new int[0])) {
                sum += v;
                sumSq += v * v;
                draws++;
            }
        }
        double expectedVar = sigma * sigma * c * c / ((double) b * b);
        double mean = sum / draws;
        double var = (sumSq - draws * mean * mean) / (draws - 1);
        // sample variance of n normals has standard error var·sqrt(2/(n-1)); the mean has sqrt(var/n)
        assertEquals(expectedVar, var, 5 * expectedVar * Math.sqrt(2.0 / (draws - 1)));
        assertEquals(0.0, mean, 5 * Math.sqrt(expectedVar / draws));
    }

    /**
     * A model large enough for the noise to be drawn in {@link DpSgd#NOISE_PARTS} parts on several threads: every
     * part has variance σ²C²/B², neighbouring parts are uncorrelated (their generators differ), and a seeded run
     * replays bit for bit. Seen failing with parts 1–3 given identically seeded generators (correlation 0.99).
     */
    @Test
    void parallelNoisePartsAreIndependentAndReplay() {
        double sigma = 1.1;
        double c = 0.9;
        int b = 10;
        SoftmaxRegressionModel model = new SoftmaxRegressionModel(20_000, 4); // 80,004 parameters
        assertTrue(model.numParameters() >= DpSgd.PARALLEL_NOISE_MIN);
        double[] g1 = new DpSgd(base(c, sigma, b).insecureSeed(77).build(), model)
                .step(new Matrix(0, 20_000), new int[0]);
        double[] g2 = new DpSgd(base(c, sigma, b).insecureSeed(77).build(), model)
                .step(new Matrix(0, 20_000), new int[0]);
        assertArrayEquals(g1, g2, 0.0, "seeded noise replays");
        double expectedVar = sigma * sigma * c * c / ((double) b * b);
        int n = g1.length;
        int parts = DpSgd.NOISE_PARTS;
        int len = n / parts;
        for (int k = 0; k < parts; k++) {
            double sumSq = 0;
            for (int i = k * n / parts; i < k * n / parts + len; i++) {
                sumSq += g1[i] * g1[i];
            }
            assertEquals(expectedVar, sumSq / len, 5 * expectedVar * Math.sqrt(2.0 / len), "variance of part " + k);
        }
        for (int k = 0; k + 1 < parts; k++) {
            double dot = 0;
            for (int i = 0; i < len; i++) {
                dot += g1[k * n / parts + i] * g1[(k + 1) * n / parts + i];
            }
            double corr = dot / len / expectedVar;
            assertEquals(0.0, corr, 5 / Math.sqrt(len), "correlation of parts " + k + " and " + (k + 1));
        }
        for (double[] g : new double[][] {
            new DpSgd(base(c, sigma, b).build(), model).step(new Matrix(0, 20_000),
                    new int[0])}) {
            double sumSq = 0;
            for (double v : g) {
                sumSq += v * v;
            }
            assertEquals(expectedVar, sumSq / n, 5 * expectedVar * Math.sqrt(2.0 / n), "secure noise variance");
            assertNotEquals(g1[0], g[0]);
        }
    }

    @Test
    void privateTrainingLearnsAndRespectsTheBudget() {
        Object[] dd = data(3000, 5, 2, 0.8, 5);
        Matrix x = (Matrix) dd[0];
        int[] y = (int[]) dd[1];
        SoftmaxRegressionModel model = new SoftmaxRegressionModel(5, 2);
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.0).learningRate(0.5)
                .batchSize(100).epochs(20).delta(1e-5).targetEpsilon(2.0).insecureSeed(9).build();
        long[] epochs = {0};
        DpResult r = DpTraining.train(model, x, y, config, new DpProgressListener() {
            @Override
            public void onEpoch(long epoch, org.botsec.privacy.accountant.PrivacySpent spent) {
                epochs[0] = epoch;
                assertTrue(spent.epsilon() <= 2.0);
            }
        });
        assertEquals(600, r.stepsPlanned());
        assertTrue(r.stoppedByBudget(), "600 steps at σ=1, q=1/30 exceed ε=2");
        assertTrue(r.spent().epsilon() <= 2.0);
        double next = PrivacyAccountant.epsilon(AccountantType.RDP, 1.0, 100.0 / 3000, r.stepsTaken() + 1, 1e-5)
                .epsilon();
        assertTrue(next > 2.0, "one more step would exceed the budget: " + next);
        assertTrue(epochs[0] >= 1);
        assertTrue(model.accuracy(x, y) > 0.9, "accuracy " + model.accuracy(x, y));
        Map<String, Object> prov = r.component().parameters();
        assertEquals("rdp", prov.get("accountant"));
        assertEquals(r.stepsTaken(), prov.get("steps"));
        assertFalse(r.noise().secure());
        assertTrue(r.noise().description().contains("insecure seed 9"), r.noise().description());
        assertEquals(true, prov.get("stopped_by_budget"));
        assertEquals(r.spent().epsilon(), r.component().epsilon(), 0.0);
    }

    @Test
    void secureNoiseByDefaultAndShuffleIsLabelled() {
        Object[] dd = data(100, 3, 2, 1.0, 6);
        DpResult r = DpTraining.train(new SoftmaxRegressionModel(3, 2), (Matrix) dd[0], (int[]) dd[1],
                base().sampling(Sampling.SHUFFLE).adam().build(), DpProgressListener.none());
        assertTrue(r.noise().secure());
        assertTrue(r.noise().description().startsWith(DpSgd.secureGeneratorDescription()), r.noise().description());
        assertFalse(r.accountedSamplingMatches());
        assertEquals("shuffle", r.component().parameters().get("sampling"));
        assertEquals("adam", r.component().parameters().get("optimizer"));
    }

    @Test
    void validationMessages() {
        assertEquals("l2NormClip must be > 0 and finite, got -1.0",
                assertThrows(BadInputException.class, () -> DpSgdConfig.builder().l2NormClip(-1)).getMessage());
        assertEquals("noiseMultiplier must be >= 0 and finite, got NaN",
                assertThrows(BadInputException.class, () -> DpSgdConfig.builder().noiseMultiplier(Double.NaN))
                        .getMessage());
        assertEquals("l2NormClip was already set",
                assertThrows(BadInputException.class, () -> DpSgdConfig.builder().l2NormClip(1).l2NormClip(2))
                        .getMessage());
        assertEquals("numMicrobatches 3 does not divide batchSize 10",
                assertThrows(BadInputException.class, () -> base().numMicrobatches(3).build()).getMessage());
        assertEquals("delta must be in (0, 1), got 0.0",
                assertThrows(BadInputException.class, () -> DpSgdConfig.builder().delta(0)).getMessage());
        assertEquals("learningRate is required", assertThrows(BadInputException.class,
                () -> DpSgdConfig.builder().l2NormClip(1).noiseMultiplier(1).build()).getMessage());
        Object[] dd = data(5, 2, 2, 1.0, 7);
        assertEquals("batch size 10 is larger than the data (5 examples)", assertThrows(BadInputException.class,
                () -> DpTraining.train(new SoftmaxRegressionModel(2, 2), (Matrix) dd[0], (int[]) dd[1],
                        base().build(), DpProgressListener.none())).getMessage());
        Object[] d2 = data(20, 2, 2, 1.0, 7);
        assertEquals("delta 0.1 is >= 1/n = 0.05 for 20 examples: such a guarantee is meaningless; use a delta "
                + "well below 1/n", assertThrows(BadInputException.class,
                () -> DpTraining.train(new SoftmaxRegressionModel(2, 2), (Matrix) d2[0], (int[]) d2[1],
                        DpSgdConfig.builder().l2NormClip(1).noiseMultiplier(1).learningRate(0.1).batchSize(10)
                                .steps(1).delta(0.1).build(), DpProgressListener.none())).getMessage());
        assertEquals("DP-SGD needs a model with per-example gradients for clipping; String has none",
                assertThrows(BadInputException.class, () -> DpTraining.requirePerExampleGradients("a model"))
                        .getMessage());
        assertEquals("DP-SGD needs a model with per-example gradients, got null", assertThrows(
                BadInputException.class, () -> DpTraining.train(null, (Matrix) d2[0], (int[]) d2[1],
                        base().build(), DpProgressListener.none())).getMessage());
    }
}
