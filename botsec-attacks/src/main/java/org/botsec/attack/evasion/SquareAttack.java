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
 * Square Attack under L∞ or L2 (Andriushchenko, Croce, Flammarion &amp; Hein, "Square Attack: a query-efficient black-box
 * adversarial attack via random search", ECCV 2020): score-based, needs only {@link Classifier#predictProba}. It
 * starts from vertical stripes of ±ε, then repeatedly redraws a random square window of the image with ±ε (one
 * sign per window) and keeps the change when the margin log p_y − max_{k≠y} log p_k falls; a row stops as soon as
 * the margin is negative (the label changed) or its query budget is spent. The window's area follows the paper's
 * schedule: a fraction p of the pixels, p halved at fixed fractions of the budget. Features that are not a square
 * image are treated as one row of pixels. All rows still being attacked share one prediction call per iteration.
 * Queries are counted per row (the initial prediction and each candidate). Immutable and thread-safe.
 *
 * <p>Under L2 (the paper's Algorithm 3) the start is a grid of "meta-patterns" (concentric squares weighted
 * 1/(n + 1 − k)², the upper half positive, the lower half negative) with random signs, scaled to ‖δ‖₂ = ε. Each
 * iteration draws two windows W1, W2 of side h (h from the same schedule, at least 3 and odd); it sets δ on W2 to
 * zero and replaces δ on W1 by ±η/‖η‖₂ + δ_W1/‖δ_W1‖₂, rescaled to use the norm freed on W1 ∪ W2 plus the unused
 * budget ε² − ‖δ‖₂², so that ‖δ‖₂ = ε before clipping to the value range (clipping only shrinks δ).
 */
public final class SquareAttack {
    private final Norm norm;
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
        this(Norm.LINF, epsilon, maxQueries, pInit, range, targets, seed);
    }

    /**
     * @param norm       L∞ (±ε squares) or L2 (the paper's Algorithm 3)
     * @param epsilon    budget in that norm, ≥ 0
     * @param maxQueries model queries per row, ≥ 1
     * @param pInit      initial fraction of pixels in a window, in (0, 1]
     * @param range      value range
     * @param targets    which label to push away from
     * @param seed       seed of the random search, recorded
     */
    public SquareAttack(Norm norm, double epsilon, int maxQueries, double pInit, ValueRange range, Targets targets,
            long seed) {
        this.norm = java.util.Objects.requireNonNull(norm, "norm");
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

    /** As the full constructor with a seed drawn from SecureRandom (recorded in the result). */
    public SquareAttack(Norm norm, double epsilon, int maxQueries, double pInit, ValueRange range, Targets targets) {
        this(norm, epsilon, maxQueries, pInit, range, targets, new SecureRandom().nextLong());
    }

    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", EvasionMethod.SQUARE.label());
        s.put("norm", norm.label());
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
        Matrix adv = new Matrix(n, d);
        double[] a = adv.data();
        if (norm == Norm.LINF) {
            // initialisation: vertical stripes of ±ε (one sign per column), clipped to the range
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < w; c++) {
                    double s = rng.nextBoolean() ? epsilon : -epsilon;
                    for (int r = 0; r < h; r++) {
                        int j = i * d + r * w + c;
                        a[j] = clip(x0[j] + s);
                    }
                }
            }
        } else {
            l2Start(x0, a, n, h, w, rng);
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
            if (norm == Norm.L2) {
                int win = h == 1 ? Math.min(w, Math.max(3, (int) Math.round(p * d)) | 1)
                        : Math.min(Math.min(h, w), Math.max(3, (int) Math.round(Math.sqrt(p * d))) | 1);
                for (int r = 0; r < active.length; r++) {
                    l2Candidate(x0, active[r], cd, r, h, w, win, rng);
                }
            } else {
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

    /**
     * The paper's meta-pattern of a window with {@code rows} × {@code cols} cells: concentric squares weighted
     * Σ_{k=0}^{M} 1/(n + 1 − k)² (M grows towards the centre), the first half (rows, or columns for a one-row window)
     * positive and the second half negative, scaled to unit L2 norm.
     */
    static double[] metaPattern(int rows, int cols) {
        double[] eta = new double[rows * cols];
        boolean splitRows = rows > 1;
        int first = splitRows ? rows / 2 : cols / 2;
        int len = splitRows ? rows : cols;
        for (int half = 0; half < 2; half++) {
            int from = half == 0 ? 0 : first;
            int size = half == 0 ? first : len - first;
            int br = splitRows ? size : rows;
            int bc = splitRows ? cols : size;
            int nn = Math.min(br, bc) / 2;
            for (int r = 0; r < br; r++) {
                for (int c = 0; c < bc; c++) {
                    int m = nn - Math.max(Math.abs(r - br / 2), Math.abs(c - bc / 2));
                    double v = 0;
                    for (int kk = 0; kk <= m; kk++) {
                        v += 1.0 / ((double) (nn + 1 - kk) * (nn + 1 - kk));
                    }
                    int rr = splitRows ? from + r : r;
                    int cc = splitRows ? c : from + c;
                    eta[rr * cols + cc] = half == 0 ? v : -v;
                }
            }
        }
        double norm2 = 0;
        for (double v : eta) {
            norm2 += v * v;
        }
        double nrm = Math.sqrt(norm2);
        if (nrm > 0) {
            for (int j = 0; j < eta.length; j++) {
                eta[j] /= nrm;
            }
        }
        return eta;
    }

    /** Grid of meta-patterns (tiles of side ⌊side/5⌋, at least 2) with random signs, scaled to ‖δ‖₂ = ε. */
    private void l2Start(double[] x0, double[] a, int n, int h, int w, SplittableRandom rng) {
        int d = h * w;
        int th = h == 1 ? 1 : Math.max(2, Math.min(h, h / 5));
        int tw = h == 1 ? Math.max(2, Math.min(w, w / 5)) : th;
        double[] eta = metaPattern(th, tw);
        double[] delta = new double[d];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(delta, 0);
            for (int top = 0; top + th <= h; top += th) {
                for (int left = 0; left + tw <= w; left += tw) {
                    double sign = rng.nextBoolean() ? 1 : -1;
                    for (int r = 0; r < th; r++) {
                        for (int c = 0; c < tw; c++) {
                            delta[(top + r) * w + left + c] = sign * eta[r * tw + c];
                        }
                    }
                }
            }
            double s = 0;
            for (double v : delta) {
                s += v * v;
            }
            double scale = s > 0 ? epsilon / Math.sqrt(s) : 0;
            for (int j = 0; j < d; j++) {
                a[i * d + j] = clip(x0[i * d + j] + scale * delta[j]);
            }
        }
    }

    /**
     * One L2 proposal (Algorithm 3) for row {@code i}, written over the copy of its current adversarial row at
     * {@code cd[r·d ...]}.
     */
    private void l2Candidate(double[] x0, int i, double[] cd, int r, int h, int w, int side, SplittableRandom rng) {
        int d = h * w;
        int sh = h == 1 ? 1 : side;
        int sw = side;
        int top1 = rng.nextInt(h - sh + 1);
        int left1 = rng.nextInt(w - sw + 1);
        int top2 = rng.nextInt(h - sh + 1);
        int left2 = rng.nextInt(w - sw + 1);
        double[] eta = metaPattern(sh, sw);
        boolean transpose = sh == sw && rng.nextBoolean();
        double sign = rng.nextBoolean() ? 1 : -1;
        double total = 0;
        double inW1 = 0;
        double inUnion = 0;
        for (int j = 0; j < d; j++) {
            double v = cd[r * d + j] - x0[i * d + j];
            total += v * v;
            int rr = j / w;
            int cc = j % w;
            boolean w1 = rr >= top1 && rr < top1 + sh && cc >= left1 && cc < left1 + sw;
            boolean w2 = rr >= top2 && rr < top2 + sh && cc >= left2 && cc < left2 + sw;
            if (w1) {
                inW1 += v * v;
            }
            if (w1 || w2) {
                inUnion += v * v;
            }
        }
        double unused = Math.max(0, epsilon * epsilon - total);
        double w1Norm = Math.sqrt(inW1);
        double[] temp = new double[sh * sw];
        double tempNorm2 = 0;
        for (int rr = 0; rr < sh; rr++) {
            for (int cc = 0; cc < sw; cc++) {
                double e = transpose ? eta[cc * sw + rr] : eta[rr * sw + cc];
                int j = (top1 + rr) * w + left1 + cc;
                double v = sign * e + (w1Norm > 0 ? (cd[r * d + j] - x0[i * d + j]) / w1Norm : 0);
                temp[rr * sw + cc] = v;
                tempNorm2 += v * v;
            }
        }
        double avail = Math.sqrt(inUnion + unused);
        double scale = tempNorm2 > 0 ? avail / Math.sqrt(tempNorm2) : 0;
        for (int rr = top2; rr < top2 + sh; rr++) {
            for (int cc = left2; cc < left2 + sw; cc++) {
                int j = rr * w + cc;
                cd[r * d + j] = x0[i * d + j];
            }
        }
        for (int rr = 0; rr < sh; rr++) {
            for (int cc = 0; cc < sw; cc++) {
                int j = (top1 + rr) * w + left1 + cc;
                cd[r * d + j] = clip(x0[i * d + j] + scale * temp[rr * sw + cc]);
            }
        }
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
