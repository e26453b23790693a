package org.botsec.attack.audit;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.botsec.attack.inference.internal.Beta;
import org.botsec.attack.inference.internal.Signals;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.privacy.DpProgressListener;
import org.botsec.privacy.DpResult;
import org.botsec.privacy.DpSgdConfig;
import org.botsec.privacy.DpTraining;

/**
 * Privacy auditing with one training run (Steinke, Nasr, Jagielski 2023, "Privacy Auditing with One (1) Training
 * Run", NeurIPS). Each of m canaries is included in the training set independently with probability ½; the model
 * is trained once; the auditor scores every canary (here black-box: the canary's log-likelihood under the trained
 * model), guesses "in" for the k₊ highest scores and "out" for the k₋ lowest, and abstains on the rest. For an
 * (ε, δ)-DP algorithm the number of correct guesses W out of r = k₊ + k₋ satisfies, for every v,
 * P[W ≥ v] ≤ P[Binomial(r, e^ε/(1 + e^ε)) ≥ v] + 2mδ · max_{1≤i≤v} P[v − i ≤ Binomial(r, e^ε/(1 + e^ε)) &lt; v] / i
 * (their Theorem 3.1 with the approximate-DP term of §5); the lower bound is the largest ε whose p-value for the
 * observed W is below 1 − confidence, found by bisection.
 *
 * <p>The bound holds for the training algorithm run on the base data plus the random canary subset, with the
 * privacy unit "one example" and the add-or-remove relation; it is sound whatever the canaries are, but only
 * canaries the model can memorise (mislabelled or out-of-distribution rows) make it tight.
 */
public final class OneRunAudit {
    private OneRunAudit() {
    }

    /** Trains the audited model on the base data plus the included canaries. */
    @FunctionalInterface
    public interface CanaryTrainer {
        /**
         * @param training base rows followed by the included canaries
         * @return the trained model and the guarantee its training claims, if any
         */
        Trained train(Dataset training);
    }

    /**
     * @param model the trained model
     * @param claim the (ε, δ) its training claims, empty for non-private training
     */
    public record Trained(Classifier model, Optional<PrivacyClaim> claim) {
    }

    /**
     * The audit's outcome.
     *
     * @param epsilonLowerBound largest ε ruled out at the confidence
     * @param delta             δ of the bound
     * @param confidence        e.g. 0.95
     * @param canaries          m
     * @param included          canaries that were included
     * @param guesses           r = k₊ + k₋
     * @param correct           correct guesses W
     * @param seed              seed of the inclusion coin flips
     * @param claimCheck        the bound beside the claim, when training claimed one
     */
    public record Result(double epsilonLowerBound, double delta, double confidence, int canaries, int included,
                         int guesses, int correct, long seed, Optional<ClaimCheck> claimCheck) {
    }

    /**
     * Runs the audit.
     *
     * @param base          rows always in the training set
     * @param canaries      m canary rows (same features and classes as {@code base})
     * @param trainer       trains the audited model
     * @param positiveGuesses k₊ ≥ 0
     * @param negativeGuesses k₋ ≥ 0, with 1 ≤ k₊ + k₋ ≤ m
     * @param delta         δ of the bound (use the claim's δ to compare)
     * @param confidence    e.g. 0.95
     * @param seed          seed of the coin flips deciding which canaries are included
     */
    public static Result run(Dataset base, Dataset canaries, CanaryTrainer trainer, int positiveGuesses,
                             int negativeGuesses, double delta, double confidence, long seed) {
        int m = canaries.size();
        if (m < 1) {
            throw BadInputException.of("the one-run audit needs at least one canary, got 0");
        }
        if (positiveGuesses < 0 || negativeGuesses < 0 || positiveGuesses + negativeGuesses < 1
                || positiveGuesses + negativeGuesses > m) {
            throw BadInputException.of("guesses must satisfy 1 <= k+ + k- <= m = %d, got k+ = %d, k- = %d", m,
                    positiveGuesses, negativeGuesses);
        }
        if (!base.featureNames().equals(canaries.featureNames()) || !base.classNames().equals(canaries.classNames())) {
            throw BadInputException.of("canaries must have the base data's features and classes");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] in = new boolean[m];
        int included = 0;
        for (int i = 0; i < m; i++) {
            in[i] = rng.nextBoolean();
            included += in[i] ? 1 : 0;
        }
        int[] idx = new int[included];
        for (int i = 0, k = 0; i < m; i++) {
            if (in[i]) {
                idx[k++] = i;
            }
        }
        Dataset training = concat(base, canaries.subset(idx));
        Trained trained = trainer.train(training);
        Matrix p = trained.model().predictProba(canaries.x());
        double[] score = Signals.logTrueClassProbability(p, canaries.y());
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        // Highest score first; ties broken by index so the guesses do not depend on the sort's stability.
        Arrays.sort(order, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
        int correct = 0;
        for (int k = 0; k < positiveGuesses; k++) {
            correct += in[order[k]] ? 1 : 0;
        }
        for (int k = 0; k < negativeGuesses; k++) {
            correct += in[order[m - 1 - k]] ? 0 : 1;
        }
        int r = positiveGuesses + negativeGuesses;
        double eps = epsilonLowerBound(m, r, correct, delta, 1 - confidence);
        // ClaimCheck refuses a claim stated for another δ than the bound's.
        Optional<ClaimCheck> check = trained.claim().map(c -> new ClaimCheck(eps, delta, confidence, c, "one_run"));
        return new Result(eps, delta, confidence, m, included, r, correct, seed, check);
    }

    /**
     * The p-value of W ≥ v correct guesses out of r under the hypothesis that training is (ε, δ)-DP with m
     * canaries (Steinke et al. 2023, Theorem 3.1 and §5).
     */
    public static double pValue(int m, int r, int v, double epsilon, double delta) {
        if (!(0 <= v && v <= r && r <= m)) {
            throw new IllegalArgumentException("need 0 <= v <= r <= m, got v=" + v + ", r=" + r + ", m=" + m);
        }
        double q = 1 / (1 + Math.exp(-epsilon));
        double tail = Beta.binomialUpperTail(r, v, q);
        double alpha = 0;
        double mass = 0;
        for (int i = 1; i <= v; i++) {
            mass += Beta.binomialPmf(r, v - i, q);
            alpha = Math.max(alpha, mass / i);
        }
        return Math.min(1, tail + alpha * delta * 2 * m);
    }

    /** The largest ε (to 1e-9) whose p-value for v correct of r guesses is below {@code beta}; 0 if none. */
    public static double epsilonLowerBound(int m, int r, int v, double delta, double beta) {
        if (!(beta > 0 && beta < 1)) {
            throw new IllegalArgumentException("beta must be in (0, 1), got " + beta);
        }
        if (pValue(m, r, v, 0, delta) >= beta) {
            return 0;
        }
        double lo = 0;
        double hi = 1;
        while (pValue(m, r, v, hi, delta) < beta) {
            hi *= 2;
            if (hi > 1e3) {
                return hi;
            }
        }
        while (hi - lo > 1e-9) {
            double mid = 0.5 * (lo + hi);
            if (pValue(m, r, v, mid, delta) < beta) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Canaries made from {@code rows}: each row with a label drawn uniformly from the other classes, so that only a
     * model that memorises the row fits it (the black-box canaries of Steinke et al. 2023, §6).
     */
    public static Dataset mislabelledCanaries(Dataset rows, long seed) {
        int k = rows.numClasses();
        if (k < 2) {
            throw BadInputException.of("canaries need at least two classes, got %d", k);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] y = new int[rows.size()];
        for (int i = 0; i < y.length; i++) {
            int other = rng.nextInt(k - 1);
            y[i] = other >= rows.y()[i] ? other + 1 : other;
        }
        return new Dataset(rows.x(), y, rows.featureNames(), rows.classNames(), "");
    }

    /**
     * A trainer that runs DP-SGD ({@link DpTraining}) on a fresh model from {@code newModel} and claims the
     * accountant's (ε, δ) for the steps taken.
     *
     * @param newModel a fresh, untrained model for the training data (a {@link Classifier} with per-example
     *                 gradients, e.g. {@code LinearModel.zeros} or {@code Mlp.create})
     * @param config   the DP-SGD configuration whose guarantee is audited
     */
    public static CanaryTrainer dpSgd(Function<Dataset, PerExampleGradients> newModel, DpSgdConfig config,
                                      DpProgressListener listener) {
        return training -> {
            PerExampleGradients model = newModel.apply(training);
            if (!(model instanceof Classifier c)) {
                throw BadInputException.of("the audited model must give class probabilities; %s does not",
                        model.getClass().getSimpleName());
            }
            DpResult r = DpTraining.train(model, training.x(), training.y(), config, listener);
            return new Trained(c, Optional.of(new PrivacyClaim(r.spent().epsilon(), config.delta(),
                    r.spent().accountant().label() + " accountant")));
        };
    }

    private static Dataset concat(Dataset a, Dataset b) {
        int d = a.numFeatures();
        double[] x = new double[(a.size() + b.size()) * d];
        System.arraycopy(a.x().data(), 0, x, 0, a.size() * d);
        System.arraycopy(b.x().data(), 0, x, a.size() * d, b.size() * d);
        int[] y = new int[a.size() + b.size()];
        System.arraycopy(a.y(), 0, y, 0, a.size());
        System.arraycopy(b.y(), 0, y, a.size(), b.size());
        return new Dataset(new Matrix(a.size() + b.size(), d, x), y, a.featureNames(), a.classNames(), "");
    }
}
