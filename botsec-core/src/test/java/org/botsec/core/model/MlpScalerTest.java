package org.botsec.core.model;

import org.botsec.core.io.internal.MlpFormat;
import org.botsec.core.io.ModelRegistry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * An {@link Mlp} with a standardiser in front: every method must equal the same network applied to inputs
 * standardised by hand (the reference), input gradients must match central finite differences of the raw-input
 * loss, and the standardiser must survive a save/load round trip.
 */
class MlpScalerTest {
    private static final double[] MEAN = {100, -5, 0.5, 2000};
    private static final double[] SCALE = {20, 2, 0.25, 900};

    private static Mlp network() {
        return Mlp.create(new int[] {4, 6, 3}, MlpGradientTest.names("f", 4), List.of("a", "b", "c"),
                Randomness.replayable(5));
    }

    private static Matrix rawInputs(int n) {
        Matrix x = new Matrix(n, 4);
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                x.set(i, j, MEAN[j] + SCALE[j] * r.nextDouble(-2, 2));
            }
        }
        return x;
    }

    @Test
    void everyMethodEqualsTheNetworkOnHandStandardisedInputs() {
        Standardizer s = Standardizer.of(MEAN, SCALE);
        Mlp plain = network();
        Mlp scaled = plain.withScaler(Optional.of(s));
        Matrix x = rawInputs(9);
        Matrix xs = s.transform(x);
        int[] y = {0, 1, 2, 0, 1, 2, 2, 1, 0};
        assertArrayEquals(plain.predictProba(xs).data(), scaled.predictProba(x).data(), 0.0);
        assertArrayEquals(plain.losses(xs, y), scaled.losses(x, y), 0.0);
        int p = plain.numParameters();
        double[] a = new double[p];
        double[] b = new double[p];
        assertEquals(plain.meanLossGradient(xs, y, a), scaled.meanLossGradient(x, y, b), 0.0);
        assertArrayEquals(a, b, 0.0);
        int[] groups = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(plain.groupGradientSquaredNorms(xs, y, groups, 9),
                scaled.groupGradientSquaredNorms(x, y, groups, 9), 0.0);
        double[] na = plain.clippedGradientSum(xs, y, groups, 9, 0.5, a);
        double[] nb = scaled.clippedGradientSum(x, y, groups, 9, 0.5, b);
        assertArrayEquals(na, nb, 0.0);
        assertArrayEquals(a, b, 0.0);
        double[] w = {1, 0.5, 2, 0, 1, 1, 3, 0.25, 1};
        plain.weightedGradientSum(xs, y, w, a);
        scaled.weightedGradientSum(x, y, w, b);
        assertArrayEquals(a, b, 0.0);
    }

    @Test
    void inputGradientGoesThroughTheStandardiser() {
        Mlp scaled = network().withScaler(Optional.of(Standardizer.of(MEAN, SCALE)));
        Matrix x = rawInputs(5);
        int[] y = {2, 0, 1, 1, 0};
        Matrix g = scaled.lossInputGradient(x, y);
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < 4; j++) {
                double h = 1e-5 * SCALE[j];
                Matrix plus = x.copy();
                Matrix minus = x.copy();
                plus.set(i, j, x.get(i, j) + h);
                minus.set(i, j, x.get(i, j) - h);
                double fd = (scaled.losses(plus, y)[i] - scaled.losses(minus, y)[i]) / (2 * h);
                assertEquals(fd, g.get(i, j), 1e-6 / SCALE[j] + 1e-6 * Math.abs(fd), "row " + i + " feature " + j);
            }
        }
    }

    @Test
    void standardiserSurvivesTheModelStateAndIsValidated() {
        Mlp scaled = network().withScaler(Optional.of(Standardizer.of(MEAN, SCALE)));
        ModelState state = ModelRegistry.state(scaled);
        assertTrue(state.tensors().containsKey("scaler_mean"));
        Mlp back = MlpFormat.fromState(state);
        assertArrayEquals(MEAN, back.scaler().orElseThrow().mean(), 0.0);
        Matrix x = rawInputs(4);
        assertArrayEquals(scaled.predictProba(x).data(), back.predictProba(x).data(), 0.0);
        assertFalse(ModelRegistry.state(network()).tensors().containsKey("scaler_mean"), "no scaler: no scaler tensors");

        state.tensors().remove("scaler_scale");
        BadInputException e = assertThrows(BadInputException.class, () -> MlpFormat.fromState(state));
        assertTrue(e.getMessage().contains("needs 6 tensors"), e.getMessage());
    }

    @Test
    void trainerFitsTheStandardiserOnTheTrainingRowsWhenAsked() {
        Matrix x = rawInputs(60);
        int[] y = new int[60];
        for (int i = 0; i < 60; i++) {
            y[i] = x.get(i, 0) > MEAN[0] ? 1 : x.get(i, 3) > MEAN[3] ? 2 : 0;
        }
        Dataset data = new Dataset(x, y, MlpGradientTest.names("f", 4), List.of("a", "b", "c"), "");
        Trainer.Builder tb = Trainer.builder().optimizer(Adam.builder().learningRate(0.01).build()).epochs(2)
                .randomness(Randomness.replayable(1));
        Mlp trained = tb.standardize(true).build().fit(network(), data);
        Standardizer expected = Standardizer.fit(x);
        assertArrayEquals(expected.mean(), trained.scaler().orElseThrow().mean(), 0.0);
        assertArrayEquals(expected.scale(), trained.scaler().orElseThrow().scale(), 0.0);
        assertEquals(true, trained.provenance().orElseThrow().parameters().get("standardize"));
        Mlp raw = Trainer.builder().optimizer(Adam.builder().learningRate(0.01).build()).epochs(2)
                .randomness(Randomness.replayable(1)).build().fit(network(), data);
        assertTrue(raw.scaler().isEmpty());
        assertEquals(false, raw.provenance().orElseThrow().parameters().get("standardize"));
        assertThrows(IllegalStateException.class, () -> Trainer.builder().standardize(true).standardize(false));
    }
}
