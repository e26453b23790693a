package org.botsec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.internal.linear.DenseDesign;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;

/** The baselines compute the same numbers as the code they are compared with (small sizes, milliseconds). */
class NaiveMlpTest {
    @Test
    void naiveStepEqualsMlpMeanLossGradient() {
        int[] sizes = {12, 9, 7, 4};
        Mlp mlp = Mlp.create(sizes, IntStream.range(0, 12).mapToObj(i -> "x" + i).toList(),
                List.of("a", "b", "c", "d"), Randomness.replayable(3));
        SplittableRandom r = new SplittableRandom(4);
        int n = 10;
        Matrix x = new Matrix(n, 12);
        for (int k = 0; k < x.data().length; k++) {
            x.data()[k] = r.nextDouble(-1, 1);
        }
        int[] y = r.ints(n, 0, 4).toArray();
        double[] theta = new double[mlp.numParameters()];
        mlp.getParameters(theta);
        double[] expected = new double[theta.length];
        double loss = mlp.meanLossGradient(x, y, expected);
        NaiveMlp naive = new NaiveMlp(sizes);
        assertEquals(mlp.numParameters(), naive.numParameters());
        double[] got = new double[theta.length];
        assertEquals(loss, naive.meanLossGradient(x.data(), n, y, theta, got), 1e-12);
        for (int k = 0; k < got.length; k++) {
            assertEquals(expected[k], got[k], 1e-12, "parameter " + k);
        }
    }

    @Test
    void naiveDesignEqualsDenseDesign() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 7;
        int d = 5;
        int k = 3;
        Matrix x = new Matrix(n, d);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = r.nextDouble(-1, 1);
        }
        double[] w = r.doubles(k * d + 4, -1, 1).toArray();
        double[] g = r.doubles(n * k, -1, 1).toArray();
        DenseDesign dense = new DenseDesign(x);
        NaiveDesign naive = new NaiveDesign(x.data(), n, d);
        double[] a = new double[n * k];
        double[] b = new double[n * k];
        dense.scores(w, k, a);
        naive.scores(w, k, b);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-12);
        }
        double[] c = new double[k * d + 4];
        double[] e = new double[k * d + 4];
        dense.transposeTimes(g, k, c);
        naive.transposeTimes(g, k, e);
        for (int i = 0; i < k * d; i++) {
            assertEquals(c[i], e[i], 1e-12);
        }
    }
}
