package org.botsec.attack.inference.metrics;

import org.botsec.attack.inference.internal.Beta;

/**
 * Exact (Clopper–Pearson 1934) confidence intervals for a binomial proportion: with k successes in n trials, the
 * two-sided interval at confidence 1 − α is [B(α/2; k, n − k + 1), B(1 − α/2; k + 1, n − k)], B the beta quantile
 * (lower end 0 when k = 0, upper end 1 when k = n). It never undercovers, which is why privacy audits (Jagielski,
 * Ullman, Oprea 2020; Nasr et al. 2021) bound attack error rates with it. This is the {@code method="beta"}
 * interval of statsmodels' {@code proportion_confint}.
 */
public final class ClopperPearson {
    private ClopperPearson() {
    }

    /**
     * A confidence interval.
     *
     * @param lower lower end
     * @param upper upper end
     */
    public record Interval(double lower, double upper) {
    }

    /**
     * The two-sided interval for {@code successes} out of {@code trials} at {@code confidence} (e.g. 0.95).
     *
     * @throws IllegalArgumentException unless 0 ≤ successes ≤ trials, trials ≥ 1 and confidence in (0, 1)
     */
    public static Interval interval(long successes, long trials, double confidence) {
        if (trials < 1 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 <= successes <= trials and trials >= 1, got " + successes
                    + " of " + trials);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        double alpha = 1 - confidence;
        double lower = successes == 0 ? 0 : Beta.inverse(alpha / 2, successes, trials - successes + 1.0);
        double upper = successes == trials ? 1 : Beta.inverse(1 - alpha / 2, successes + 1.0, trials - successes);
        return new Interval(lower, upper);
    }

    /** P[Binomial(n, p) ≥ k], exact. */
    public static double binomialUpperTail(long n, long k, double p) {
        return Beta.binomialUpperTail(n, k, p);
    }
}
