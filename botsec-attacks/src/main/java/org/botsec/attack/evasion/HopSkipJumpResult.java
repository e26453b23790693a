package org.botsec.attack.evasion;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.botsec.attack.AttackReport;

/**
 * A HopSkipJump run: the common evasion result, the distance (in the attack's norm) of the closest adversarial
 * point found for each row (infinite when none was found, and for rows not attacked), and which rows stopped
 * because their query budget ran out. Arrays are copied in and out.
 *
 * @param evasion         adversarial rows, predictions, metrics, settings and seed
 * @param distances       per row, the distance of the best adversarial point found
 * @param budgetExhausted per row, true when the query budget stopped the attack
 */
public record HopSkipJumpResult(EvasionResult evasion, double[] distances, boolean[] budgetExhausted) {
    public HopSkipJumpResult {
        Objects.requireNonNull(evasion, "evasion");
        distances = distances.clone();
        budgetExhausted = budgetExhausted.clone();
    }

    @Override
    public double[] distances() {
        return distances.clone();
    }

    @Override
    public boolean[] budgetExhausted() {
        return budgetExhausted.clone();
    }

    /** Rows whose query budget stopped the attack. */
    public int budgetExhaustedRows() {
        int c = 0;
        for (boolean b : budgetExhausted) {
            c += b ? 1 : 0;
        }
        return c;
    }

    /** Median distance over the rows where an adversarial point was found (NaN when none). */
    public double medianDistance() {
        double[] f = Arrays.stream(distances).filter(Double::isFinite).sorted().toArray();
        if (f.length == 0) {
            return Double.NaN;
        }
        return f.length % 2 == 1 ? f[f.length / 2] : (f[f.length / 2 - 1] + f[f.length / 2]) / 2;
    }

    /** The evasion report plus {@code budget_exhausted_rows} and, when any point was found, {@code median_distance}. */
    public AttackReport toReport() {
        AttackReport r = evasion.toReport();
        Map<String, Double> m = new LinkedHashMap<>(r.metrics());
        double med = medianDistance();
        if (!Double.isNaN(med)) {
            m.put("median_distance", med);
        }
        m.put("budget_exhausted_rows", (double) budgetExhaustedRows());
        return new AttackReport(r.attack(), m, r.settings(), r.seed(), r.findings());
    }
}
