package org.botsec.attack.evasion;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an evasion run measured, with IBM ART's conventions: accuracies over all attacked rows; the success rate over
 * the rows the model classifies correctly before the attack (fraction whose prediction changes); perturbation norms
 * of x_adv − x averaged over all attacked rows.
 *
 * @param rows            attacked rows
 * @param cleanCorrect    rows classified correctly before the attack
 * @param flipped         of those, rows whose prediction the attack changed
 * @param cleanAccuracy   accuracy on the clean inputs
 * @param robustAccuracy  accuracy on the adversarial inputs
 * @param successRate     flipped / cleanCorrect (0 when no row was correct)
 * @param meanL0          mean number of changed features per row
 * @param maxL0           largest number of changed features
 * @param meanL2          mean Euclidean size of the perturbation
 * @param maxL2           largest Euclidean size
 * @param meanLinf        mean largest single-feature change
 * @param maxLinf         largest single-feature change
 * @param meanL0Flipped   mean number of changed features over the flipped rows (0 when none flipped): how many
 *                        pixels must change to flip a prediction
 * @param meanQueries     model evaluations (gradient or forward) per row, on average
 * @param maxQueries      most model evaluations spent on one row
 */
public record EvasionMetrics(int rows, int cleanCorrect, int flipped, double cleanAccuracy, double robustAccuracy,
                             double successRate, double meanL0, double maxL0, double meanL2, double maxL2,
                             double meanLinf, double maxLinf, double meanL0Flipped, double meanQueries,
                             double maxQueries) {

    /** The metrics by their JSON names ({@code clean_accuracy}, {@code robust_accuracy}, ...), in a stable order. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("clean_accuracy", cleanAccuracy);
        m.put("robust_accuracy", robustAccuracy);
        m.put("success_rate", successRate);
        m.put("rows", (double) rows);
        m.put("clean_correct", (double) cleanCorrect);
        m.put("flipped", (double) flipped);
        m.put("mean_l0", meanL0);
        m.put("max_l0", maxL0);
        m.put("mean_l2", meanL2);
        m.put("max_l2", maxL2);
        m.put("mean_linf", meanLinf);
        m.put("max_linf", maxLinf);
        m.put("mean_l0_flipped", meanL0Flipped);
        m.put("mean_queries", meanQueries);
        m.put("max_queries", maxQueries);
        return m;
    }

    /** Computes the metrics of one run from the clean and adversarial inputs and the per-row labels. */
    static EvasionMetrics of(double[] x, double[] adv, int d, int[] labels, int[] clean, int[] advPred,
            long[] queries) {
        int n = labels.length;
        int correct = 0;
        int robust = 0;
        int flipped = 0;
        double sumL0 = 0;
        double maxL0 = 0;
        double sumL2 = 0;
        double maxL2 = 0;
        double sumLinf = 0;
        double maxLinf = 0;
        double sumL0Flipped = 0;
        double sumQ = 0;
        double maxQ = 0;
        for (int i = 0; i < n; i++) {
            int l0 = 0;
            double s = 0;
            double m = 0;
            for (int j = i * d; j < (i + 1) * d; j++) {
                double delta = Math.abs(adv[j] - x[j]);
                if (delta > 0) {
                    l0++;
                }
                s += delta * delta;
                m = Math.max(m, delta);
            }
            double l2 = Math.sqrt(s);
            sumL0 += l0;
            maxL0 = Math.max(maxL0, l0);
            sumL2 += l2;
            maxL2 = Math.max(maxL2, l2);
            sumLinf += m;
            maxLinf = Math.max(maxLinf, m);
            sumQ += queries[i];
            maxQ = Math.max(maxQ, queries[i]);
            if (advPred[i] == labels[i]) {
                robust++;
            }
            if (clean[i] == labels[i]) {
                correct++;
                if (advPred[i] != clean[i]) {
                    flipped++;
                    sumL0Flipped += l0;
                }
            }
        }
        double dn = Math.max(n, 1);
        return new EvasionMetrics(n, correct, flipped, correct / dn, robust / dn,
                correct == 0 ? 0.0 : (double) flipped / correct, sumL0 / dn, maxL0, sumL2 / dn, maxL2,
                sumLinf / dn, maxLinf, flipped == 0 ? 0.0 : sumL0Flipped / flipped, sumQ / dn, maxQ);
    }
}
