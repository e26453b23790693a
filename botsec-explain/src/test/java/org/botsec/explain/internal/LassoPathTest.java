package org.botsec.explain.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LassoPathTest {
    /** For an orthogonal design (XᵀX diagonal, equal norms) LAR and the lasso enter variables by decreasing |Xᵀy|. */
    @Test
    void orthogonalDesignEntersByCorrelation() {
        double[] gram = new double[25];
        for (int i = 0; i < 5; i++) {
            gram[i * 5 + i] = 2.0;
        }
        double[] xty = {0.3, -2.0, 1.1, 0.05, -0.7};
        assertArrayEquals(new int[] {1, 2, 4}, LassoPath.larEntryOrder(gram, xty, 5, 3));
        assertArrayEquals(new int[] {1, 2, 4, 0, 3}, LassoPath.larEntryOrder(gram, xty, 5, 9));
        List<double[]> path = LassoPath.path(gram, xty, 5, 100);
        // the lasso path ends at the least-squares solution β = Xᵀy / 2
        double[] end = path.get(path.size() - 1);
        for (int j = 0; j < 5; j++) {
            assertEquals(xty[j] / 2, end[j], 1e-12);
        }
        // and its breakpoints add one variable at a time, in the same order
        assertEquals(6, path.size());
        assertEquals(1, nonZero(path.get(1)));
        assertEquals(3, nonZero(path.get(3)));
    }

    /**
     * A correlated design where the lasso must drop a variable (Efron et al. 2004, the lasso modification):
     * along the path a coefficient that crosses zero leaves the active set; LAR never drops.
     */
    @Test
    void lassoPathEndsAtLeastSquaresForCorrelatedDesign() {
        double[][] x = {{1, 0.9, 0}, {0.9, 1, 0.2}, {0, 0.2, 1}, {1, 1, 1}, {0.5, -0.4, 0.3}};
        double[] y = {1.0, 0.2, -0.5, 0.9, 0.4};
        double[] gram = new double[9];
        double[] xty = new double[3];
        for (double[] row : x) {
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    gram[a * 3 + b] += row[a] * row[b];
                }
            }
        }
        for (int i = 0; i < x.length; i++) {
            for (int a = 0; a < 3; a++) {
                xty[a] += x[i][a] * y[i];
            }
        }
        double[] ls = LinearSolve.symmetric(gram, xty, 3);
        List<double[]> path = LassoPath.path(gram, xty, 3, x.length);
        double[] end = path.get(path.size() - 1);
        for (int j = 0; j < 3; j++) {
            assertEquals(ls[j], end[j], 1e-9);
        }
        assertEquals(3, LassoPath.larEntryOrder(gram, xty, 3, 3).length);
    }

    private static int nonZero(double[] b) {
        int n = 0;
        for (double v : b) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }
}
