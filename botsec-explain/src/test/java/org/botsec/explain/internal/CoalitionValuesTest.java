package org.botsec.explain.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;

/**
 * The black-box value function against a brute-force oracle: e(S) = Σ_b w_b f(x_S, b) with every synthetic row
 * built by the definition and predicted on its own. Data: the German credit data set (UCI Statlog, built in; its
 * categorical and count features make many background rows share values with the explained row, so the
 * distinct-row path does real work) and the Wisconsin breast-cancer data set (continuous: nearly all rows take the
 * bulk path). Model: an MLP with seeded random weights (a model the value function can only call).
 */
class CoalitionValuesTest {
    private static Matrix first(Matrix m, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return m.selectRows(idx);
    }

    private static double[] oracle(Function<Matrix, Matrix> f, int label, Matrix bg, double[] w, double[] x,
            int[] columns, byte[] masks, int count) {
        int m = columns.length;
        double[] out = new double[count];
        for (int k = 0; k < count; k++) {
            for (int b = 0; b < bg.rows(); b++) {
                double[] row = bg.row(b);
                for (int j = 0; j < m; j++) {
                    if (masks[k * m + j] != 0) {
                        row[columns[j]] = x[columns[j]];
                    }
                }
                out[k] += w[b] * f.apply(new Matrix(1, row.length, row)).get(0, label);
            }
        }
        return out;
    }

    private static long check(String name, int rows, int bgRows, int nsamples) {
        Dataset data = Builtins.load(name, Split.TRAIN);
        Matrix bg = first(data.x(), bgRows);
        double[] w = new double[bgRows];
        Arrays.fill(w, 1.0 / bgRows);
        Mlp mlp = Mlp.create(new int[] {data.x().cols(), 6, 2}, data.featureNames(), List.of("a", "b"),
                Randomness.replayable(5));
        AtomicLong modelRows = new AtomicLong();
        Function<Matrix, Matrix> counted = m -> {
            modelRows.addAndGet(m.rows());
            return mlp.predictProba(m);
        };
        CoalitionValues values = new CoalitionValues(counted, 1, bg, w);
        Matrix test = Builtins.load(name, Split.TEST).x();
        long plainRows = 0;
        modelRows.set(0);
        for (int i = 0; i < rows; i++) {
            double[] x = test.row(i);
            int[] cols = VaryingFeatures.of(x, bg);
            KernelShapSampler.Coalitions co = KernelShapSampler.build(cols.length, nsamples, new SplittableRandom(i));
            double[] got = values.expectedOutputs(x, cols, co.masks(), co.count());
            double[] want = oracle(mlp::predictProba, 1, bg, w, x, cols, co.masks(), co.count());
            for (int k = 0; k < co.count(); k++) {
                assertEquals(want[k], got[k], 1e-12, name + " row " + i + " coalition " + k);
            }
            plainRows += (long) co.count() * bgRows;
        }
        System.out.printf("%s: model rows %d of %d synthetic rows (%.1f%%)%n", name, modelRows.get(), plainRows,
                100.0 * modelRows.get() / plainRows);
        return plainRows - modelRows.get();
    }

    @Test
    void discreteDataEqualsOracleWithFewerModelRows() {
        long saved = check("credit_g", 4, 40, 400);
        assertTrue(saved > 0, "the distinct-row path evaluated every synthetic row");
    }

    @Test
    void continuousDataEqualsOracle() {
        check("breast_cancer", 3, 30, 300);
    }
}
