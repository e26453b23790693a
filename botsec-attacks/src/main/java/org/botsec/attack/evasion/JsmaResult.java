package org.botsec.attack.evasion;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.botsec.attack.AttackReport;

/**
 * A JSMA run: the common evasion result (adversarial rows, L0 and success as for every evasion attack) and the
 * class each row was pushed towards. Arrays are copied in and out.
 *
 * @param evasion       the adversarial rows, predictions and metrics
 * @param targetClasses the target class of each row
 */
public record JsmaResult(EvasionResult evasion, int[] targetClasses) {
    public JsmaResult {
        Objects.requireNonNull(evasion, "evasion");
        targetClasses = targetClasses.clone();
    }

    @Override
    public int[] targetClasses() {
        return targetClasses.clone();
    }

    /** Rows whose clean prediction was not the target and whose adversarial prediction is. */
    public int targetedSuccesses() {
        int[] clean = evasion.cleanPredictions();
        int[] adv = evasion.adversarialPredictions();
        int s = 0;
        for (int i = 0; i < clean.length; i++) {
            if (clean[i] != targetClasses[i] && adv[i] == targetClasses[i]) {
                s++;
            }
        }
        return s;
    }

    /** Targeted successes over the rows whose clean prediction was not already the target (0 when none). */
    public double targetedSuccessRate() {
        int[] clean = evasion.cleanPredictions();
        int attacked = 0;
        for (int i = 0; i < clean.length; i++) {
            if (clean[i] != targetClasses[i]) {
                attacked++;
            }
        }
        return attacked == 0 ? 0.0 : (double) targetedSuccesses() / attacked;
    }

    /** The evasion report with one more metric, {@code targeted_success_rate}. */
    public AttackReport toReport() {
        AttackReport r = evasion.toReport();
        Map<String, Double> m = new LinkedHashMap<>(r.metrics());
        m.put("targeted_success_rate", targetedSuccessRate());
        return new AttackReport(r.attack(), m, r.settings(), r.seed(), r.findings());
    }
}
