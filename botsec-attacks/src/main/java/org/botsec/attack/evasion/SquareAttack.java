package org.botsec.attack.evasion;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.botsec.attack.evasion.internal.Perturbations;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;

/**
 * Square Attack under L∞ (Andriushchenko, Croce, Flammarion &amp; Hein, "Square Attack: a query-efficient black-box
 * adversarial attack via random search", ECCV 2020): score-based, needs only {@link Classifier#predictProba}. It
 * starts from vertical stripes of ±ε, then repeatedly redraws a random square window of the image with ±ε (one
 * sign per window) and keeps the change when the margin log p_y − max_{k≠y} log p_k falls; a row stops as soon as
 * the margin is negative (the label changed) or its query budget is spent. The window's area follows the paper's
 * schedule: a fraction p of the pixels, p halved at fixed fractions of the budget. Features that are not a square
 * image are treated as one row of pixels. All rows still being attacked share one prediction call per iteration.
 * Queries are counted per row (the initial prediction and each candidate). Immutable and thread-safe.
 */
public final class SquareAttack {
    private final double epsilon;
    private final int maxQueries;
    private final double pInit;
    private final ValueRange range;
    private final Targets targets;
    private final long seed;

    /**
     * @param epsilon    L∞ budget, ≥ 0
     * @param maxQueries model queries per row, ≥ 1
     * @param pInit      initial fraction of pixels in a window, in (0, 1] (paper: 0.05 on ImageNet, 0.8 for small
     *                   models on MNIST)
     * @param range      value range
     * @param targets    which label to push away from
     * @param seed       seed of the random search, recorded
     */
    public SquareAttack(double epsilon, int maxQueries, double pInit, ValueRange range, Targets targets, long seed) {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw BadInputException.of("epsilon must be >= 0 and finite, got %s", epsilon);
        }
        if (maxQueries < 1) {
            throw BadInputException.of("the query budget must be >= 1, got %d", maxQueries);
        }
        if (!(pInit > 0 && pInit <= 1)) {
            throw BadInputException.of("p-init must be in (0, 1], got %s", pInit);
        }
        this.epsilon = epsilon;
        this.maxQueries = maxQueries;
        this.pInit = pInit;
        this.range = java.util.Objects.requireNonNull(range, "range");
        this.targets = java.util.Objects.requireNonNull(targets, "targets");
        this.seed = seed;
    }

    /** As the full constructor with a seed drawn from SecureRandom (recorded in the result). */
    public SquareAttack(double epsilon, int maxQueries, double pInit, ValueRange range, Targets targets) {
        this(epsilon, maxQueries, pInit, range, targets, new SecureRandom().nextLong());
    }

    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", EvasionMethod.SQUARE.label());
        s.put("norm", Norm.LINF.label());
        s.put("epsilon", epsilon);
        s.put("max_queries", maxQueries);
        s.put("p_init", pInit);
        s.put("targets", targets.label());
        s.put("value_min", range.min());
        s.put("value_max", range.max());
        return s;
    }

    /** The paper's schedule of the window fraction p over the iterations (its Appendix / reference code). */
    static double fraction(double pInit, int iteration, int budget) {
        int it = (int) ((long) iteration * 10000 / Math.max(1, budget));
        int[] bounds = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};
        double p = pInit;
        for (int b : bounds) {
            if (it > b) {
                p /= 2;
            }
        }
        return p;
    }

    /** Attacks every row of {@code x}; {@code labels} are the true labels. */
    public EvasionResult run(Classifier model, Matrix x, int[] labels) {
        if (x.cols() != model.numFeatures()) {
            throw BadInputException.of("model expects %d features, input has %d", model.numFeatures(), x.cols());
        }
        if (labels.length != x.rows()) {
            throw BadInputException.of("%d labels for %d rows", labels.length, x.rows());
        }
        range.check(x, "input");
        int n = x.rows();
        int d = x.cols();
        int k = model.numClasses();
        int side = (int) Math.round(Math.sqrt(d));
        int h = side * side == d ? side : 1;
        int w = d / h;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x0 = x.data();
        double[] p0 = model.predictProba(x).data();
        int[] clean = Perturbations.argmax(p0, k);
        int[] t = targets == Targets.TRUE ? labels : clean;
        long[] queries = new long[n];
        Arrays.fill(queries, 1);
        // initialisation: vertical stripes of ±ε (one sign per column), clipped to the range
        Matrix adv = new Matrix(n, d);
        double[] a = adv.data();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < w; c++) {
                double s = rng.nextBoolean() ? epsilon : -epsilon;
                for (int r = 0; r < h; r++) {
                    int j = i * d + r * w + c;
                    a[j] = clip(x0[j] + s);
                }
            }
        }
        double[] margin = new double[n];
        double[] pa = model.predictProba(adv).data();
        boolean[] done = new boolean[n];
        for (int i = 0; i < n; i++) {
            margin[i] = margin(pa, i, k, t[i]);
            queries[i]++;
            done[i] = margin[i] < 0 || clean[i] != t[i] || queries[i] >= maxQueries;
        }
        int[] active = activeRows(done);
        for (int iteration = 1; active.length > 0; iteration++) {
            double p = fraction(pInit, iteration, maxQueries);
            int s = Math.max(1, Math.min(Math.min(h, w), (int) Math.round(Math.sqrt(p * d))));
            int sw = h == 1 ? Math.max(1, Math.min(w, (int) Math.round(p * d))) : s;
            Matrix cand = adv.selectRows(active);
            double[] cd = cand.data();
            for (int r = 0; r < active.length; r++) {
                int i = active[r];
                int top = h == 1 ? 0 : rng.nextInt(h - s + 1);
                int left = rng.nextInt(w - sw + 1);
                double sign = rng.nextBoolean() ? epsilon : -epsilon;
                int rows = h == 1 ? 1 : s;
                for (int rr = top; rr < top + rows; rr++) {
                    for (int cc = left; cc < left + sw; cc++) {
                        int j = rr * w + cc;
                        cd[r * d + j] = clip(x0[i * d + j] + sign);
                    }
                }
            }
            double[] pc = model.predictProba(cand).data();
            for (int r = 0; r < active.length; r++) {
                int i = active[r];
                queries[i]++;
                double m = margin(pc, r, k, t[i]);
                if (m < margin[i]) {
                    margin[i] = m;
                    System.arraycopy(cd, r * d, a, i * d, d);
                }
                done[i] = margin[i] < 0 || queries[i] >= maxQueries;
            }
            active = activeRows(done);
        }
        int[] advPred = Perturbations.argmax(model.predictProba(adv).data(), k);
        return EvasionResult.of(EvasionMethod.SQUARE, x, adv, labels, t, clean, advPred, queries, settings(),
                OptionalLong.of(seed));
    }

    private double clip(double v) {
        return Math.min(Math.max(v, range.min()), range.max());
    }

    /** log p_t − max_{c≠t} log p_c; negative once the prediction has left t. */
    private static double margin(double[] p, int row, int k, int t) {
        double other = 0;
        for (int c = 0; c < k; c++) {
            if (c != t) {
                other = Math.max(other, p[row * k + c]);
            }
        }
        return Math.log(p[row * k + t]) - Math.log(other);
    }

    private static int[] activeRows(boolean[] done) {
        int count = 0;
        for (boolean b : done) {
            if (!b) {
                count++;
            }
        }
        int[] out = new int[count];
        int o = 0;
        for (int i = 0; i < done.length; i++) {
            if (!done[i]) {
                out[o++] = i;
            }
        }
        return out;
    }
}
