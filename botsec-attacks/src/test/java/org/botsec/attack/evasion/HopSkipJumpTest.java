package org.botsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.botsec.attack.evasion.internal.Perturbations;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HopSkipJump on the golden digits logistic regression. Oracle: for a linear model the distance from x to the
 * nearest input of another class is at least min_c (z_t − z_c) / ‖w_t − w_c‖_q (q = 2 under L2, q = 1 under L∞,
 * the dual norm), the distance to the nearest competing half-space; a decision-based attack can only find points
 * at or above that bound, and a working one comes close to it. Every returned point must really be classified
 * differently, and no row may spend more queries than its budget.
 */
class HopSkipJumpTest {
    static LinearModel model;
    static Matrix x;
    static int[] y;
    static double[][] w;
    static double[] b;

    @BeforeAll
    static void load() throws Exception {
        model = DigitsGolden.model();
        x = DigitsGolden.testX().selectRows(java.util.stream.IntStream.range(0, 60).toArray());
        y = Arrays.copyOf(DigitsGolden.testY(), 60);
        JsonNode j = new ObjectMapper().readTree(DigitsGolden.modelJson().toFile());
        w = new double[10][64];
        b = new double[10];
        for (int c = 0; c < 10; c++) {
            b[c] = j.get("intercept").get(c).asDouble();
            for (int f = 0; f < 64; f++) {
                w[c][f] = j.get("coef").get(c).get(f).asDouble();
            }
        }
    }

    /** min over c ≠ t of (z_t − z_c) / ‖w_t − w_c‖_q: no input closer than this is classified otherwise. */
    static double lowerBound(Matrix xs, int i, int t, boolean l2) {
        double best = Double.POSITIVE_INFINITY;
        for (int c = 0; c < 10; c++) {
            if (c == t) {
                continue;
            }
            double margin = b[t] - b[c];
            double q = 0;
            for (int f = 0; f < 64; f++) {
                double dw = w[t][f] - w[c][f];
                margin += dw * xs.get(i, f);
                q += l2 ? dw * dw : Math.abs(dw);
            }
            best = Math.min(best, margin / (l2 ? Math.sqrt(q) : q));
        }
        return best;
    }

    private static void check(Norm norm, double maxRatio) {
        boolean l2 = norm == Norm.L2;
        HopSkipJump a = HopSkipJump.builder().norm(norm).maxQueries(1000).seed(11).build();
        HopSkipJumpResult r = a.run(model, x, y);
        Matrix adv = r.evasion().adversarial();
        int[] clean = r.evasion().cleanPredictions();
        int[] pred = Perturbations.argmax(model.predictProba(adv).data(), 10);
        long[] q = r.evasion().queries();
        double[] dist = r.distances();
        double[] ratios = new double[x.rows()];
        int m = 0;
        for (int i = 0; i < x.rows(); i++) {
            assertTrue(q[i] <= 1000, "row " + i + " spent " + q[i]);
            if (clean[i] != y[i]) {
                continue;
            }
            assertTrue(pred[i] != y[i], "row " + i + " is not adversarial");
            double dd = 0;
            for (int f = 0; f < 64; f++) {
                double v = adv.get(i, f) - x.get(i, f);
                dd = l2 ? dd + v * v : Math.max(dd, Math.abs(v));
                assertTrue(adv.get(i, f) >= 0 && adv.get(i, f) <= 1);
            }
            dd = l2 ? Math.sqrt(dd) : dd;
            assertEquals(dist[i], dd, 1e-9);
            double lb = lowerBound(x, i, y[i], l2);
            assertTrue(dd >= lb - 1e-9, "row " + i + ": " + dd + " below the bound " + lb);
            ratios[m++] = dd / lb;
        }
        double[] rs = Arrays.copyOf(ratios, m);
        Arrays.sort(rs);
        System.out.printf("HSJ %s, 1000 queries: median distance %.4f, median ratio to the half-space bound %.3f "
                + "(max %.3f), mean queries %.0f, budget-stopped rows %d%n", norm.label(), r.medianDistance(),
                rs[m / 2], rs[m - 1], r.evasion().metrics().meanQueries(), r.budgetExhaustedRows());
        assertTrue(rs[m / 2] <= maxRatio, "median ratio " + rs[m / 2]);
        assertArrayEquals(adv.data(), a.run(model, x, y).evasion().adversarial().data(), 0.0, "replay");
    }

    @Test
    void l2ComesCloseToTheExactBoundWithEveryPointAdversarial() {
        check(Norm.L2, 1.5);
    }

    @Test
    void linfComesCloseToTheExactBoundWithEveryPointAdversarial() {
        check(Norm.LINF, 2.0);
    }

    /** A small budget stops the attack: no row spends more than it, and the result says which rows stopped. */
    @Test
    void budgetIsCappedExactlyAndReported() {
        for (int budget : new int[] {1, 2, 37, 150}) {
            HopSkipJumpResult r = HopSkipJump.builder().maxQueries(budget).seed(2).build().run(model, x, y);
            long[] q = r.evasion().queries();
            int[] clean = r.evasion().cleanPredictions();
            int stopped = 0;
            for (int i = 0; i < x.rows(); i++) {
                assertTrue(q[i] <= budget, "budget " + budget + " row " + i + " spent " + q[i]);
                if (r.budgetExhausted()[i]) {
                    stopped++;
                }
                if (clean[i] == y[i] && r.evasion().adversarialPredictions()[i] != y[i]) {
                    assertTrue(Double.isFinite(r.distances()[i]));
                }
            }
            assertEquals(stopped, r.budgetExhaustedRows());
            assertTrue(stopped > 0, "budget " + budget + " stopped no row");
            assertEquals((double) stopped, r.toReport().metrics().get("budget_exhausted_rows"));
        }
    }

    /** With ε the rows farther than ε count as robust; the success rate is near white-box PGD's at the same ε. */
    @Test
    void epsilonBoundsTheReturnedPoints() {
        HopSkipJumpResult r = HopSkipJump.builder().epsilon(1.0).maxQueries(2000).seed(4).build().run(model, x, y);
        assertTrue(r.evasion().metrics().maxL2() <= 1.0 + 1e-12);
        EvasionResult pgd = GradientAttack.pgd().norm(Norm.L2).epsilon(1.0).stepSize(0.1).steps(40).build()
                .run(model, x, y);
        System.out.printf("HSJ L2 eps 1, 2000 queries: success %.3f (PGD-40 %.3f), mean queries %.0f%n",
                r.evasion().metrics().successRate(), pgd.metrics().successRate(), r.evasion().metrics().meanQueries());
        assertTrue(r.evasion().metrics().successRate() >= 0.85 * pgd.metrics().successRate());
        assertTrue(r.evasion().metrics().successRate() <= pgd.metrics().successRate() + 0.02);
    }

    @Test
    void badSettingsAreRejected() {
        assertTrue(assertThrows(BadInputException.class, () -> HopSkipJump.builder().maxQueries(0).build())
                .getMessage().contains("query budget must be >= 1, got 0"));
        assertTrue(assertThrows(BadInputException.class, () -> HopSkipJump.builder().epsilon(-1).build())
                .getMessage().contains("epsilon must be >= 0"));
        assertThrows(IllegalStateException.class, () -> HopSkipJump.builder().seed(1).seed(2));
    }
}
