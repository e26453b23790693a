package org.botsec.core.model;

import org.botsec.core.io.ModelRegistry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradients of {@link Mlp} against oracles: a naive loop that computes each example's gradient alone
 * ({@link MlpNaiveOracle}, plain Java, no shared code), and central finite differences of the loss.
 */
class MlpGradientTest {
    private static final double TOL = 1e-9;

    /** Architectures chosen so that both ghost-norm paths run: pairwise sums and materialised group gradients. */
    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of((Object) new int[] {6, 5, 4, 3}),
                Arguments.of((Object) new int[] {20, 16, 3}),
                Arguments.of((Object) new int[] {4, 2}));
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void perExampleNormsMatchNaiveLoop(int[] sizes) {
        Fixture f = fixture(sizes, 17, 1);
        int n = f.x.rows();
        int[] groups = new int[n];
        for (int i = 0; i < n; i++) {
            groups[i] = i;
        }
        double[] norms = f.mlp.groupGradientSquaredNorms(f.x, f.y, groups, n);
        for (int i = 0; i < n; i++) {
            double[] g = MlpNaiveOracle.exampleGradient(sizes, f.theta, f.x.row(i), f.y[i]);
            double expected = squaredNorm(g);
            assertEquals(expected, norms[i], TOL * Math.max(1, expected), "row " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void groupNormsMatchNaiveLoop(int[] sizes) {
        Fixture f = fixture(sizes, 17, 2);
        int n = f.x.rows();
        // Groups 0..3 and 6 of sizes 1, 2, 3, 4, 7 (members scattered over the batch); groups 4 and 5 empty.
        int[] groupSizes = {1, 2, 3, 4, 7};
        int[] groups = new int[n];
        List<Integer> slots = new ArrayList<>();
        for (int g = 0; g < groupSizes.length; g++) {
            for (int k = 0; k < groupSizes[g]; k++) {
                slots.add(g == 4 ? 6 : g);
            }
        }
        java.util.Collections.shuffle(slots, new java.util.Random(5));
        for (int i = 0; i < n; i++) {
            groups[i] = slots.get(i);
        }
        int numGroups = 7;
        double[] norms = f.mlp.groupGradientSquaredNorms(f.x, f.y, groups, numGroups);
        double[][] sums = new double[numGroups][f.theta.length];
        for (int i = 0; i < n; i++) {
            double[] g = MlpNaiveOracle.exampleGradient(sizes, f.theta, f.x.row(i), f.y[i]);
            for (int k = 0; k < g.length; k++) {
                sums[groups[i]][k] += g[k];
            }
        }
        for (int g = 0; g < numGroups; g++) {
            double expected = squaredNorm(sums[g]);
            assertEquals(expected, norms[g], TOL * Math.max(1, expected), "group " + g);
        }
        assertEquals(0.0, norms[4], 0.0, "empty group");
        assertEquals(0.0, norms[5], 0.0, "empty group");
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void weightedGradientSumMatchesNaiveLoop(int[] sizes) {
        Fixture f = fixture(sizes, 17, 3);
        int n = f.x.rows();
        SplittableRandom r = new SplittableRandom(11);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = i % 5 == 0 ? 0.0 : r.nextDouble(-1, 2);
        }
        double[] out = new double[f.mlp.numParameters()];
        java.util.Arrays.fill(out, 42.0); // must be overwritten, not accumulated into
        f.mlp.weightedGradientSum(f.x, f.y, w, out);
        double[] expected = new double[out.length];
        for (int i = 0; i < n; i++) {
            double[] g = MlpNaiveOracle.exampleGradient(sizes, f.theta, f.x.row(i), f.y[i]);
            for (int k = 0; k < g.length; k++) {
                expected[k] += w[i] * g[k];
            }
        }
        for (int k = 0; k < out.length; k++) {
            assertEquals(expected[k], out[k], TOL * Math.max(1, Math.abs(expected[k])), "parameter " + k);
        }
    }

    @Test
    void meanLossGradientIsWeightedSumWithWeightsOneOverNAndMeanLoss() {
        int[] sizes = {6, 5, 4, 3};
        Fixture f = fixture(sizes, 13, 4);
        int n = f.x.rows();
        double[] mean = new double[f.mlp.numParameters()];
        double loss = f.mlp.meanLossGradient(f.x, f.y, mean);
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0 / n);
        double[] expected = new double[mean.length];
        f.mlp.weightedGradientSum(f.x, f.y, w, expected);
        for (int k = 0; k < mean.length; k++) {
            assertEquals(expected[k], mean[k], 1e-12, "parameter " + k);
        }
        double naiveLoss = 0;
        for (int i = 0; i < n; i++) {
            naiveLoss += MlpNaiveOracle.exampleLoss(sizes, f.theta, f.x.row(i), f.y[i]) / n;
        }
        assertEquals(naiveLoss, loss, 1e-12);
        // losses() is −log of predictProba at the label.
        Matrix p = f.mlp.predictProba(f.x);
        double[] losses = f.mlp.losses(f.x, f.y);
        for (int i = 0; i < n; i++) {
            assertEquals(-Math.log(p.get(i, f.y[i])), losses[i], 1e-12);
        }
    }

    /** The naive oracle itself against central finite differences, so that the oracle can be trusted. */
    @Test
    void naiveOracleMatchesFiniteDifferences() {
        int[] sizes = {6, 5, 4, 3};
        Fixture f = fixture(sizes, 3, 5);
        double h = 1e-6;
        for (int i = 0; i < 3; i++) {
            double[] g = MlpNaiveOracle.exampleGradient(sizes, f.theta, f.x.row(i), f.y[i]);
            for (int k = 0; k < f.theta.length; k++) {
                double[] plus = f.theta.clone();
                double[] minus = f.theta.clone();
                plus[k] += h;
                minus[k] -= h;
                double fd = (MlpNaiveOracle.exampleLoss(sizes, plus, f.x.row(i), f.y[i])
                        - MlpNaiveOracle.exampleLoss(sizes, minus, f.x.row(i), f.y[i])) / (2 * h);
                assertEquals(fd, g[k], 1e-6, "row " + i + " parameter " + k);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void inputGradientMatchesFiniteDifferences(int[] sizes) {
        Fixture f = fixture(sizes, 9, 6);
        Matrix grad = f.mlp.lossInputGradient(f.x, f.y);
        double h = 1e-6;
        for (int i = 0; i < f.x.rows(); i++) {
            for (int c = 0; c < f.x.cols(); c++) {
                Matrix plus = f.x.copy();
                Matrix minus = f.x.copy();
                plus.set(i, c, plus.get(i, c) + h);
                minus.set(i, c, minus.get(i, c) - h);
                double fd = (f.mlp.losses(plus, f.y)[i] - f.mlp.losses(minus, f.y)[i]) / (2 * h);
                assertEquals(fd, grad.get(i, c), 1e-6, "row " + i + " feature " + c);
            }
        }
    }

    @Test
    void parametersRoundTripAndLayoutIsLayerByLayerWeightThenBias() {
        int[] sizes = {3, 2, 2};
        Mlp mlp = Mlp.create(sizes, names("x", 3), names("c", 2), Randomness.replayable(1));
        assertEquals(3 * 2 + 2 + 2 * 2 + 2, mlp.numParameters());
        double[] theta = new double[mlp.numParameters()];
        for (int k = 0; k < theta.length; k++) {
            theta[k] = k + 1;
        }
        mlp.setParameters(theta);
        LinkedTensors t = new LinkedTensors(ModelRegistry.state(mlp));
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), t.values("layers.0.weight"));
        assertEquals(List.of(7.0, 8.0), t.values("layers.0.bias"));
        assertEquals(List.of(9.0, 10.0, 11.0, 12.0), t.values("layers.1.weight"));
        assertEquals(List.of(13.0, 14.0), t.values("layers.1.bias"));
        double[] back = new double[theta.length];
        mlp.getParameters(back);
        assertTrue(java.util.Arrays.equals(theta, back));
    }

    @Test
    void heInitialisationHasVarianceTwoOverFanIn() {
        int in = 400;
        Mlp mlp = Mlp.create(new int[] {in, 300, 2}, names("x", in), names("c", 2), Randomness.replayable(8));
        double[] w = ModelRegistry.state(mlp).tensors().get("layers.0.weight").values();
        double sum = 0;
        double sq = 0;
        for (double v : w) {
            sum += v;
            sq += v * v;
        }
        double mean = sum / w.length;
        double var = sq / w.length - mean * mean;
        // 120,000 draws: the sample variance has relative standard error sqrt(2/n) ≈ 0.4%; allow 2%.
        assertEquals(2.0 / in, var, 0.02 * 2.0 / in);
        assertEquals(0.0, mean, 5 * Math.sqrt(2.0 / in / w.length));
        for (double b : ModelRegistry.state(mlp).tensors().get("layers.0.bias").values()) {
            assertEquals(0.0, b);
        }
    }

    // ------------------------------------------------------------------ helpers

    private record Fixture(Mlp mlp, Matrix x, int[] y, double[] theta) {
    }

    private static Fixture fixture(int[] sizes, int n, long seed) {
        int k = sizes[sizes.length - 1];
        Mlp mlp = Mlp.create(sizes, names("x", sizes[0]), names("c", k), Randomness.replayable(seed));
        SplittableRandom r = new SplittableRandom(seed + 100);
        double[] theta = new double[mlp.numParameters()];
        mlp.getParameters(theta);
        // Non-zero biases so that the bias terms of the ghost norms matter.
        for (int t = 0; t < theta.length; t++) {
            theta[t] += r.nextDouble(-0.3, 0.3);
        }
        mlp.setParameters(theta);
        Matrix x = new Matrix(n, sizes[0]);
        for (int t = 0; t < x.data().length; t++) {
            x.data()[t] = r.nextDouble(-2, 2);
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(k);
        }
        return new Fixture(mlp, x, y, theta);
    }

    static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private static double squaredNorm(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return s;
    }

    private record LinkedTensors(ModelState state) {
        List<Double> values(String name) {
            List<Double> out = new ArrayList<>();
            for (double v : state.tensors().get(name).values()) {
                out.add(v);
            }
            return out;
        }
    }
}
