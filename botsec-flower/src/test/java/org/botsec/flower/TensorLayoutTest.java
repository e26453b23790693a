package org.botsec.flower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;

/**
 * The array shapes the client documents for an MLP — per layer a weight array (out, in) and a bias (out,), in the
 * order PyTorch's {@code nn.Linear} and a NumPy {@code x @ W.T + b} use — read back through a forward pass written
 * here from that convention, compared with the model's own prediction.
 */
class TensorLayoutTest {
    @Test
    void mlpArraysAreOutByInWeightsThenBiasPerLayer() {
        Mlp mlp = Mlp.create(new int[] {4, 5, 3}, List.of("a", "b", "c", "d"), List.of("x", "y", "z"),
                Randomness.replayable(1));
        List<int[]> shapes = FlowerClient.tensorShapes(mlp);
        assertEquals(4, shapes.size());
        assertArrayEquals(new int[] {5, 4}, shapes.get(0));
        assertArrayEquals(new int[] {5}, shapes.get(1));
        assertArrayEquals(new int[] {3, 5}, shapes.get(2));
        assertArrayEquals(new int[] {3}, shapes.get(3));
        SplittableRandom r = new SplittableRandom(5);
        double[] p = new double[mlp.numParameters()];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextGaussian();
        }
        mlp.setParameters(p);
        double[] x = {0.3, -1.2, 0.8, 2.0};
        // layer 1: h = relu(W1 x + b1), W1 = p[0..20) as (5, 4) row-major, b1 = p[20..25)
        double[] h = new double[5];
        for (int o = 0; o < 5; o++) {
            double s = p[20 + o];
            for (int i = 0; i < 4; i++) {
                s += p[o * 4 + i] * x[i];
            }
            h[o] = Math.max(0, s);
        }
        // layer 2: z = W2 h + b2, W2 = p[25..40) as (3, 5), b2 = p[40..43)
        double[] z = new double[3];
        double max = Double.NEGATIVE_INFINITY;
        for (int o = 0; o < 3; o++) {
            z[o] = p[40 + o];
            for (int i = 0; i < 5; i++) {
                z[o] += p[25 + o * 5 + i] * h[i];
            }
            max = Math.max(max, z[o]);
        }
        double sum = 0;
        for (int o = 0; o < 3; o++) {
            z[o] = Math.exp(z[o] - max);
            sum += z[o];
        }
        Matrix proba = mlp.predictProba(new Matrix(1, 4, x.clone()));
        for (int o = 0; o < 3; o++) {
            assertEquals(z[o] / sum, proba.get(0, o), 1e-12, "class " + o);
        }
    }
}
