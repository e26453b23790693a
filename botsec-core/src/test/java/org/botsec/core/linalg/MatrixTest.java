package org.botsec.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MatrixTest {
    /** Oracle: the naive triple loop. */
    private static double[] naive(boolean ta, boolean tb, Matrix a, Matrix b) {
        int m = ta ? a.cols() : a.rows();
        int k = ta ? a.rows() : a.cols();
        int n = tb ? b.rows() : b.cols();
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (ta ? a.get(p, i) : a.get(i, p)) * (tb ? b.get(j, p) : b.get(p, j));
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @Test
    void gemmMatchesNaiveLoopForAllTransposes() {
        SplittableRandom r = new SplittableRandom(7);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Matrix a = ta ? random(r, 5, 3) : random(r, 3, 5);
                Matrix b = tb ? random(r, 4, 5) : random(r, 5, 4);
                Matrix c = new Matrix(3, 4);
                Matrix.gemm(ta, tb, 1.0, a, b, 0.0, c);
                double[] expected = naive(ta, tb, a, b);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], c.data()[i], 1e-12, "ta=" + ta + " tb=" + tb + " at " + i);
                }
            }
        }
    }

    private static Matrix random(SplittableRandom r, int rows, int cols) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < m.data().length; i++) {
            m.data()[i] = r.nextDouble(-1, 1);
        }
        return m;
    }
}
