package org.botsec.guard.semantic.recipe;

import java.util.Arrays;

/** ROC AUC (Mann–Whitney U with ties counted half) and rates, for the recipe's reports. */
final class Metrics {
    private Metrics() {
    }

    /** Probability that a random attack scores above a random benign text (Hanley and McNeil 1982). */
    static double rocAuc(double[] scores, boolean[] attack) {
        int n = scores.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[idx[j + 1]] == scores[idx[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (attack[idx[k]]) {
                    rankSumPos += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / (pos * (double) neg);
    }
}
