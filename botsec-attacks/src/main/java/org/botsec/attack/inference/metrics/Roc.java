package org.botsec.attack.inference.metrics;

import java.util.Arrays;

/**
 * The receiver operating characteristic of a score that ranks positives (e.g. training members) above negatives
 * (non-members): one point per distinct score threshold t, predicting "positive" when score ≥ t, from (0, 0) to
 * (1, 1). The area under it equals the probability that a random positive outscores a random negative, ties
 * counting one half (the Mann–Whitney statistic). TPR at a low FPR is the figure Carlini et al. (2022, "Membership
 * Inference Attacks From First Principles", IEEE S&amp;P) ask membership attacks to report.
 *
 * @param falsePositiveRates FPR of each point, non-decreasing, first 0 and last 1
 * @param truePositiveRates  TPR of each point, non-decreasing, first 0 and last 1
 * @param thresholds         the threshold of each point (+∞ for the first)
 * @param positives          number of positive scores
 * @param negatives          number of negative scores
 */
public record Roc(double[] falsePositiveRates, double[] truePositiveRates, double[] thresholds, int positives,
                  int negatives) {

    public Roc {
        falsePositiveRates = falsePositiveRates.clone();
        truePositiveRates = truePositiveRates.clone();
        thresholds = thresholds.clone();
        if (falsePositiveRates.length != truePositiveRates.length || thresholds.length != truePositiveRates.length) {
            throw new IllegalArgumentException("ROC arrays differ in length");
        }
    }

    @Override
    public double[] falsePositiveRates() {
        return falsePositiveRates.clone();
    }

    @Override
    public double[] truePositiveRates() {
        return truePositiveRates.clone();
    }

    @Override
    public double[] thresholds() {
        return thresholds.clone();
    }

    /**
     * The ROC of {@code positiveScores} against {@code negativeScores} (higher = more likely positive).
     *
     * @throws IllegalArgumentException when either side is empty or a score is NaN
     */
    public static Roc of(double[] positiveScores, double[] negativeScores) {
        int p = positiveScores.length;
        int n = negativeScores.length;
        if (p == 0 || n == 0) {
            throw new IllegalArgumentException("a ROC needs positive and negative scores, got " + p + " and " + n);
        }
        double[] pos = sortedDescending(positiveScores, "positive");
        double[] neg = sortedDescending(negativeScores, "negative");
        int capacity = p + n + 1;
        double[] fpr = new double[capacity];
        double[] tpr = new double[capacity];
        double[] thr = new double[capacity];
        thr[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        int i = 0;
        int j = 0;
        while (i < p || j < n) {
            double t = Math.max(i < p ? pos[i] : Double.NEGATIVE_INFINITY, j < n ? neg[j] : Double.NEGATIVE_INFINITY);
            while (i < p && pos[i] == t) {
                i++;
            }
            while (j < n && neg[j] == t) {
                j++;
            }
            fpr[points] = (double) j / n;
            tpr[points] = (double) i / p;
            thr[points] = t;
            points++;
        }
        return new Roc(Arrays.copyOf(fpr, points), Arrays.copyOf(tpr, points), Arrays.copyOf(thr, points), p, n);
    }

    private static double[] sortedDescending(double[] scores, String what) {
        double[] s = scores.clone();
        for (double v : s) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException(what + " scores contain NaN");
            }
        }
        Arrays.sort(s);
        for (int a = 0, b = s.length - 1; a < b; a++, b--) {
            double t = s[a];
            s[a] = s[b];
            s[b] = t;
        }
        return s;
    }

    /** Area under the curve by the trapezoidal rule (exact for a step ROC with ties counted one half). */
    public double auc() {
        double area = 0;
        for (int k = 1; k < falsePositiveRates.length; k++) {
            area += (falsePositiveRates[k] - falsePositiveRates[k - 1])
                    * (truePositiveRates[k] + truePositiveRates[k - 1]) / 2;
        }
        return area;
    }

    /**
     * The highest TPR among thresholds whose FPR is at most {@code maxFalsePositiveRate} (no interpolation, so
     * with fewer than 1/maxFalsePositiveRate negatives this is the TPR at FPR 0).
     */
    public double tprAtFpr(double maxFalsePositiveRate) {
        if (!(maxFalsePositiveRate >= 0 && maxFalsePositiveRate <= 1)) {
            throw new IllegalArgumentException("FPR must be in [0, 1], got " + maxFalsePositiveRate);
        }
        double best = 0;
        for (int k = 0; k < falsePositiveRates.length; k++) {
            if (falsePositiveRates[k] <= maxFalsePositiveRate + 1e-12) {
                best = Math.max(best, truePositiveRates[k]);
            }
        }
        return best;
    }

    /** Number of points. */
    public int size() {
        return truePositiveRates.length;
    }
}
