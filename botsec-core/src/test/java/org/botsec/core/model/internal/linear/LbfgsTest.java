package org.botsec.core.model.internal.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Known minimisers: Rosenbrock's (1, …, 1) and a quadratic's A⁻¹b solved by hand. */
class LbfgsTest {

    /** Extended Rosenbrock, Σ 100 (x_{2i+1} − x_{2i}²)² + (1 − x_{2i})²; minimum 0 at all ones. */
    private static double rosenbrock(double[] x, double[] g) {
        double f = 0;
        java.util.Arrays.fill(g, 0);
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t = x[i + 1] - x[i] * x[i];
            double u = 1 - x[i];
            f += 100 * t * t + u * u;
            g[i] += -400 * t * x[i] - 2 * u;
            g[i + 1] += 200 * t;
        }
        return f;
    }

    @Test
    void findsRosenbrockMinimum() {
        double[] x0 = {-1.2, 1, -1.2, 1, 0.5, -0.3};
        Lbfgs.Result r = Lbfgs.minimize(LbfgsTest::rosenbrock, x0, 1000, 1e-9, 10);
        assertTrue(r.converged(), r.message());
        for (double v : r.x()) {
            assertEquals(1.0, v, 1e-8);
        }
        assertTrue(r.gradientNorm() <= 1e-9);
    }

    @Test
    void solvesIllConditionedQuadratic() {
        // f = ½ xᵀ diag(1, 1e4) x − bᵀx, minimum at (b0, b1 / 1e4)
        double[] b = {3, -2};
        Lbfgs.Function f = (x, g) -> {
            g[0] = x[0] - b[0];
            g[1] = 1e4 * x[1] - b[1];
            return 0.5 * (x[0] * x[0] + 1e4 * x[1] * x[1]) - b[0] * x[0] - b[1] * x[1];
        };
        Lbfgs.Result r = Lbfgs.minimize(f, new double[2], 200, 1e-12, 5);
        assertTrue(r.converged(), r.message());
        assertEquals(3.0, r.x()[0], 1e-12);
        assertEquals(-2e-4, r.x()[1], 1e-15);
    }

    @Test
    void reportsIterationLimit() {
        Lbfgs.Result r = Lbfgs.minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1}, 3, 1e-9, 10);
        assertFalse(r.converged());
        assertEquals(3, r.iterations());
    }
}
