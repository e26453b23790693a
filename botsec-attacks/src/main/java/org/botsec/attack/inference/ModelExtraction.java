package org.botsec.attack.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.botsec.attack.AttackReport;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;

/**
 * Model extraction by training a surrogate on the victim's answers (Tramèr, Zhang, Juels, Reiter, Ristenpart 2016,
 * "Stealing Machine Learning Models via Prediction APIs", USENIX Security; Papernot et al. 2017, "Practical
 * Black-Box Attacks against Machine Learning", AsiaCCS): for each query budget b, b inputs are sent to the
 * victim, its top label is taken as ground truth, and a surrogate is trained on them. Reported per budget:
 * <em>fidelity</em> (how often surrogate and victim agree on held-out inputs) and <em>accuracy</em> (the surrogate
 * against the true labels), so one sees how fast a copy becomes usable as the attacker pays for more queries.
 *
 * <p>Queries come from attacker data ({@link QuerySource#POOL}: rows drawn without replacement from a pool of
 * unlabelled inputs, e.g. public data of the same domain) or are synthetic ({@link QuerySource#UNIFORM}: uniform
 * in the box spanned by the pool's per-feature minimum and maximum). Budgets are nested: the queries of a smaller
 * budget are a prefix of those of a larger one, as for an attacker who keeps querying.
 */
public final class ModelExtraction {
    /** Largest query budget. */
    public static final int MAX_BUDGET = 10_000_000;

    private ModelExtraction() {
    }

    /** Where the attacker's queries come from. */
    public enum QuerySource {
        /** Rows of the attacker's pool, without replacement. */
        POOL,
        /** Uniform in the pool's per-feature bounding box. */
        UNIFORM
    }

    /**
     * One budget's outcome.
     *
     * @param budget   queries sent
     * @param fidelity agreement of surrogate and victim labels on the test inputs
     * @param accuracy surrogate accuracy against the test labels
     */
    public record Point(int budget, double fidelity, double accuracy) {
    }

    /**
     * The extraction curve.
     *
     * @param points         one per budget, ascending
     * @param victimAccuracy the victim's own test accuracy
     * @param source         where queries came from
     * @param seed           seed of query sampling and surrogate training
     */
    public record Result(List<Point> points, double victimAccuracy, QuerySource source, long seed) {
        public Result {
            points = List.copyOf(points);
        }

        /** The common report: fidelity and accuracy at the largest budget, and per budget. */
        public AttackReport toReport(Map<String, Object> settings) {
            Point last = points.get(points.size() - 1);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("fidelity", last.fidelity());
            metrics.put("accuracy", last.accuracy());
            metrics.put("victim_accuracy", victimAccuracy);
            metrics.put("queries", (double) last.budget());
            for (Point p : points) {
                metrics.put("fidelity_at_" + p.budget(), p.fidelity());
                metrics.put("accuracy_at_" + p.budget(), p.accuracy());
            }
            Severity sev = last.fidelity() >= 0.9 ? Severity.HIGH : last.fidelity() >= 0.7 ? Severity.MEDIUM : Severity.LOW;
            Finding f = Finding.builder("attack.extraction.surrogate", FindingKind.MODEL_EXTRACTION, sev,
                            String.format(Locale.ROOT, "Model extraction: a surrogate trained on %d queries agrees with "
                                    + "the model on %.1f%% of inputs (accuracy %.3f vs the model's %.3f)", last.budget(),
                                    100 * last.fidelity(), last.accuracy(), victimAccuracy))
                    .description("Anyone who can query the model can train a functional copy. Limit and monitor "
                            + "queries per client, return labels instead of probabilities, or watermark the model.")
                    .score(new Score(last.fidelity(), Score.Basis.MEASURED_RATE))
                    .atlas(AtlasTechnique.EXTRACT_AI_MODEL)
                    .evidence("queries", last.budget())
                    .evidence("fidelity", last.fidelity())
                    .evidence("accuracy", last.accuracy())
                    .evidence("victim_accuracy", victimAccuracy)
                    .source("extraction")
                    .build();
            return new AttackReport("extraction.surrogate", metrics, settings, OptionalLong.of(seed), List.of(f));
        }
    }

    /**
     * Runs the attack.
     *
     * @param victim    the model queried (only its top labels are used)
     * @param queryPool attacker inputs (labels ignored), or the bounding box for uniform queries
     * @param test      held-out inputs with true labels, in the victim's class order
     * @param budgets   query budgets, each in [1, MAX_BUDGET] (and ≤ pool size for POOL)
     * @param source    where queries come from
     * @param surrogate how the surrogate is trained
     * @param seed      seed of query sampling and training
     */
    public static Result run(Classifier victim, Matrix queryPool, Dataset test, int[] budgets, QuerySource source,
                             ShadowTrainer surrogate, long seed) {
        if (budgets.length == 0) {
            throw BadInputException.of("give at least one query budget");
        }
        int[] sorted = budgets.clone();
        Arrays.sort(sorted);
        for (int b : sorted) {
            if (b < 1 || b > MAX_BUDGET) {
                throw BadInputException.of("a query budget must be in [1, %d], got %d", MAX_BUDGET, b);
            }
        }
        if (queryPool.cols() != victim.numFeatures() || test.numFeatures() != victim.numFeatures()) {
            throw BadInputException.of("queries have %d and test data %d features; the model expects %d",
                    queryPool.cols(), test.numFeatures(), victim.numFeatures());
        }
        if (queryPool.rows() == 0 || test.size() == 0) {
            throw BadInputException.of("the query pool (%d rows) and test data (%d rows) must not be empty",
                    queryPool.rows(), test.size());
        }
        int max = sorted[sorted.length - 1];
        if (source == QuerySource.POOL && max > queryPool.rows()) {
            throw BadInputException.of("query budget %d is larger than the query pool (%d rows); use uniform queries "
                    + "or a larger pool", max, queryPool.rows());
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Matrix queries = source == QuerySource.POOL ? sample(queryPool, max, rng) : uniform(queryPool, max, rng);
        int[] answers = argmax(victim.predictProba(queries));
        int[] victimTest = argmax(victim.predictProba(test.x()));
        double victimAccuracy = agreement(victimTest, test.y());
        List<Point> points = new ArrayList<>();
        for (int b : Arrays.stream(sorted).distinct().toArray()) {
            int[] rows = new int[b];
            for (int i = 0; i < b; i++) {
                rows[i] = i;
            }
            int[] surrogateTest = trainAndPredict(surrogate, queries.selectRows(rows), Arrays.copyOf(answers, b),
                    victim, test.x(), rng.nextLong());
            points.add(new Point(b, agreement(surrogateTest, victimTest), agreement(surrogateTest, test.y())));
        }
        return new Result(points, victimAccuracy, source, seed);
    }

    /** Trains on the classes the victim actually answered (a small budget may not see every class). */
    private static int[] trainAndPredict(ShadowTrainer trainer, Matrix x, int[] y, Classifier victim, Matrix test,
                                         long seed) {
        int k = victim.numClasses();
        int[] toLocal = new int[k];
        Arrays.fill(toLocal, -1);
        List<String> names = new ArrayList<>();
        List<Integer> toGlobal = new ArrayList<>();
        for (int v : y) {
            if (toLocal[v] < 0) {
                toLocal[v] = names.size();
                names.add(victim.classNames().get(v));
                toGlobal.add(v);
            }
        }
        int[] out = new int[test.rows()];
        if (names.size() == 1) {
            Arrays.fill(out, toGlobal.get(0));
            return out;
        }
        int[] local = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            local[i] = toLocal[y[i]];
        }
        Classifier s = trainer.train(new Dataset(x, local, victim.featureNames(), names, ""), seed);
        int[] pred = argmax(s.predictProba(test));
        for (int i = 0; i < out.length; i++) {
            out[i] = toGlobal.get(pred[i]);
        }
        return out;
    }

    private static Matrix sample(Matrix pool, int n, SplittableRandom rng) {
        int[] idx = new int[pool.rows()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return pool.selectRows(Arrays.copyOf(idx, n));
    }

    private static Matrix uniform(Matrix pool, int n, SplittableRandom rng) {
        int d = pool.cols();
        double[] lo = new double[d];
        double[] hi = new double[d];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < pool.rows(); i++) {
            for (int j = 0; j < d; j++) {
                lo[j] = Math.min(lo[j], pool.get(i, j));
                hi[j] = Math.max(hi[j], pool.get(i, j));
            }
        }
        Matrix q = new Matrix(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                q.set(i, j, lo[j] + (hi[j] - lo[j]) * rng.nextDouble());
            }
        }
        return q;
    }

    static int[] argmax(Matrix p) {
        int[] out = new int[p.rows()];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int c = 1; c < p.cols(); c++) {
                if (p.get(i, c) > p.get(i, best)) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return (double) same / a.length;
    }
}
