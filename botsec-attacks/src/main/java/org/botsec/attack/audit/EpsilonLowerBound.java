package org.botsec.attack.audit;

import java.util.Arrays;
import java.util.OptionalDouble;
import org.botsec.attack.inference.MembershipScores;
import org.botsec.attack.inference.metrics.ClopperPearson;

/**
 * An empirical lower bound on ε from a membership attack's error rates (Jagielski, Ullman, Oprea 2020, "Auditing
 * Differentially Private Machine Learning: How Private is Private SGD?", NeurIPS; Nasr et al. 2021, "Adversary
 * Instantiation", IEEE S&amp;P). An (ε, δ)-DP training algorithm forces every membership test to satisfy
 * FPR + e^ε·FNR ≥ 1 − δ and FNR + e^ε·FPR ≥ 1 − δ (Kairouz, Oh, Viswanath 2015), so with upper confidence bounds
 * FPR⁺ and FNR⁺ any ε below max(log((1 − δ − FNR⁺)/FPR⁺), log((1 − δ − FPR⁺)/FNR⁺)) is ruled out.
 *
 * <p>Rates are bounded with two-sided Clopper–Pearson intervals; the bound is the largest over at most
 * {@code maxThresholds} candidate thresholds (quantiles of the pooled scores, chosen without looking at
 * membership), and the confidence is split across them (Bonferroni), so the whole statement holds with the stated
 * confidence rather than only for a threshold picked after the fact.
 *
 * <p><b>What it bounds:</b> the ε of the training algorithm, when each candidate's membership was decided at
 * random (a random split of one pool, or independent coin flips as in Steinke, Nasr, Jagielski 2023). With a
 * hand-picked split (e.g. a data set's fixed train/test files) it measures the attack's advantage, which is
 * still evidence of leakage but not a formal statement about ε.
 *
 * @param epsilon          the lower bound (≥ 0; 0 when nothing is ruled out)
 * @param delta            δ the bound is stated for
 * @param confidence       overall confidence, e.g. 0.95
 * @param thresholdsTried  number of candidate thresholds (the Bonferroni factor)
 * @param threshold        the score threshold that attains the bound (member when score ≥ it), if any
 * @param falsePositives   non-members scored at or above the threshold
 * @param negatives        number of non-members
 * @param falseNegatives   members scored below the threshold
 * @param positives        number of members
 */
public record EpsilonLowerBound(double epsilon, double delta, double confidence, int thresholdsTried,
                                OptionalDouble threshold, long falsePositives, long negatives, long falseNegatives,
                                long positives) {

    /** Default number of candidate thresholds. */
    public static final int DEFAULT_MAX_THRESHOLDS = 64;
    /** Default confidence. */
    public static final double DEFAULT_CONFIDENCE = 0.95;

    public EpsilonLowerBound {
        if (!(epsilon >= 0) || Double.isNaN(epsilon)) {
            throw new IllegalArgumentException("epsilon lower bound must be >= 0, got " + epsilon);
        }
    }

    /**
     * The bound from membership scores (members positive).
     *
     * @param scores        the attack's scores
     * @param delta         δ, in [0, 1)
     * @param confidence    overall confidence, in (0, 1)
     * @param maxThresholds how many candidate thresholds to try (≥ 1)
     */
    public static EpsilonLowerBound fromScores(MembershipScores scores, double delta, double confidence,
                                               int maxThresholds) {
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        if (maxThresholds < 1) {
            throw new IllegalArgumentException("maxThresholds must be >= 1, got " + maxThresholds);
        }
        double[] pos = scores.members();
        double[] neg = scores.nonMembers();
        Arrays.sort(pos);
        Arrays.sort(neg);
        double[] candidates = candidates(pos, neg, maxThresholds);
        double perThreshold = 1 - (1 - confidence) / candidates.length;
        double best = 0;
        double bestThreshold = Double.NaN;
        long bestFp = 0;
        long bestFn = 0;
        for (double t : candidates) {
            long fn = countBelow(pos, t);
            long fp = neg.length - countBelow(neg, t);
            double fprHi = ClopperPearson.interval(fp, neg.length, perThreshold).upper();
            double fnrHi = ClopperPearson.interval(fn, pos.length, perThreshold).upper();
            double e = Math.max(logRatio(1 - delta - fnrHi, fprHi), logRatio(1 - delta - fprHi, fnrHi));
            if (e > best) {
                best = e;
                bestThreshold = t;
                bestFp = fp;
                bestFn = fn;
            }
        }
        return new EpsilonLowerBound(best, delta, confidence, candidates.length,
                Double.isNaN(bestThreshold) ? OptionalDouble.empty() : OptionalDouble.of(bestThreshold), bestFp,
                neg.length, bestFn, pos.length);
    }

    /** Candidate thresholds: every distinct pooled score, or {@code k} evenly spaced pooled-score quantiles. */
    private static double[] candidates(double[] pos, double[] neg, int k) {
        double[] pooled = new double[pos.length + neg.length];
        System.arraycopy(pos, 0, pooled, 0, pos.length);
        System.arraycopy(neg, 0, pooled, pos.length, neg.length);
        Arrays.sort(pooled);
        double[] distinct = Arrays.stream(pooled).distinct().toArray();
        if (distinct.length <= k) {
            return distinct;
        }
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            // Quantile ranks 1/(k+1) ... k/(k+1) of the pooled scores: label-blind, so the Bonferroni split is honest.
            int rank = (int) Math.min(pooled.length - 1, Math.round((i + 1.0) * pooled.length / (k + 1.0)));
            out[i] = pooled[rank];
        }
        return Arrays.stream(out).distinct().toArray();
    }

    private static long countBelow(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double logRatio(double numerator, double denominator) {
        if (numerator <= 0 || denominator <= 0) {
            return 0;
        }
        return Math.max(0, Math.log(numerator / denominator));
    }
}
