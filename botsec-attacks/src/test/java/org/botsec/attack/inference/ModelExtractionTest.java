package org.botsec.attack.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.botsec.attack.AttackReport;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Properties with a known answer: a surrogate of the victim's own kind trained on enough of its answers agrees
 * with it almost everywhere (Tramèr et al. 2016 extract linear models near-perfectly); fidelity grows with the
 * budget; budget 0 and budgets beyond the pool are bad input.
 */
class ModelExtractionTest {
    static LinearModel victim;
    static Dataset pool;
    static Dataset test;

    @BeforeAll
    static void setUp() {
        Dataset all = Builtins.load("digits8x8", Split.ALL);
        int[] idx = new int[all.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        victim = ShadowTrainers.logisticRegression(1.0, false).train(all.subset(Arrays.copyOfRange(idx, 0, 600)), 0)
                instanceof LinearModel lm ? lm : null;
        pool = all.subset(Arrays.copyOfRange(idx, 600, 1400));
        test = all.subset(Arrays.copyOfRange(idx, 1400, all.size()));
    }

    @Test
    void fidelityGrowsWithBudgetAndReachesNearCopy() {
        ModelExtraction.Result r = ModelExtraction.run(victim, pool.x(), test, new int[] {800, 10, 100},
                ModelExtraction.QuerySource.POOL, ShadowTrainers.logisticRegression(1.0, false), 3);
        System.out.println("extraction digits: " + r.points() + " victim accuracy " + r.victimAccuracy());
        assertEquals(3, r.points().size());
        assertEquals(10, r.points().get(0).budget());
        double f10 = r.points().get(0).fidelity();
        double f800 = r.points().get(2).fidelity();
        assertTrue(f800 > f10 + 0.2, "fidelity must grow with the budget: " + r.points());
        assertTrue(f800 >= 0.9, "800 answers copy a linear model: " + f800);
        AttackReport rep = r.toReport(Map.of());
        assertEquals(f800, rep.metrics().get("fidelity"));
        assertEquals(f800, rep.metrics().get("fidelity_at_800"));
    }

    @Test
    void uniformQueriesRun() {
        ModelExtraction.Result r = ModelExtraction.run(victim, pool.x(), test, new int[] {200},
                ModelExtraction.QuerySource.UNIFORM, ShadowTrainers.logisticRegression(1.0, false), 3);
        assertTrue(r.points().get(0).fidelity() >= 0 && r.points().get(0).fidelity() <= 1);
    }

    @Test
    void badBudgetsAreRejected() {
        BadInputException zero = assertThrows(BadInputException.class, () -> ModelExtraction.run(victim, pool.x(),
                test, new int[] {0}, ModelExtraction.QuerySource.POOL, ShadowTrainers.logisticRegression(1, false), 1));
        assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());
        assertThrows(BadInputException.class, () -> ModelExtraction.run(victim, pool.x(), test, new int[] {5000},
                ModelExtraction.QuerySource.POOL, ShadowTrainers.logisticRegression(1, false), 1));
    }
}
