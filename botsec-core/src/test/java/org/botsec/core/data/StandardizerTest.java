package org.botsec.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.api.Test;

/** The allocation-free block transform gives the same bits as the plain one; the reference is (x − mean)/scale. */
class StandardizerTest {
    private static Matrix random(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Matrix x = new Matrix(n, d);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = 10 * r.nextGaussian() + 3;
        }
        return x;
    }

    @Test
    void blockTransformEqualsRowByRowDefinitionBitForBit() {
        for (int d : new int[] {1, 3, 30, 2047, 5000}) {
            Matrix x = random(150, d, d);
            Standardizer s = Standardizer.fit(x);
            double[] mean = s.mean();
            double[] scale = s.scale();
            Matrix plain = s.transform(x);
            Matrix into = new Matrix(150, d);
            s.transform(x, into);
            double[] block = new double[s.blockRows() * d];
            int rowsDone = 0;
            while (rowsDone < 150) {
                int rows = Math.min(s.blockRows(), 150 - rowsDone);
                s.transformBlock(x.data(), rowsDone * d, block, rows);
                for (int t = 0; t < rows * d; t++) {
                    int j = t % d;
                    double expected = (x.data()[rowsDone * d + t] - mean[j]) / scale[j];
                    assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(block[t]),
                            "d=" + d + " value " + (rowsDone * d + t));
                }
                rowsDone += rows;
            }
            assertArrayEquals(plain.data(), into.data(), 0.0);
            assertEquals(Math.max(1, 2048 / d), s.blockRows());
        }
    }

    @Test
    void transformIntoSameMatrixAndBadShapes() {
        Matrix x = random(5, 4, 1);
        Standardizer s = Standardizer.fit(x);
        Matrix expected = s.transform(x);
        Matrix inPlace = x.copy();
        s.transform(inPlace, inPlace);
        assertArrayEquals(expected.data(), inPlace.data(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> s.transform(x, new Matrix(4, 4)));
        assertThrows(IllegalArgumentException.class, () -> s.transformBlock(x.data(), 0, new double[20],
                s.blockRows() + 1));
        assertThrows(IllegalArgumentException.class, () -> s.transformBlock(x.data(), 8, new double[20], 4));
    }
}
