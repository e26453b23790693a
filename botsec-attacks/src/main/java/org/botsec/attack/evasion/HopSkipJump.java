package org.botsec.attack.evasion;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.botsec.attack.evasion.internal.Perturbations;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;

/**
 * HopSkipJump (Chen, Jordan &amp; Wainwright, "HopSkipJumpAttack: A Query-Efficient Decision-Based Attack", IEEE S&amp;P
 * 2020): a decision-based black-box attack that sees only the model's predicted label. From an adversarial
 * starting point it repeats: a binary search to the decision boundary between the clean input x* and the current
 * point (tolerance θ = d^(−3/2) under L2, d^(−2) under L∞, in that norm's distance); an estimate of the boundary's
 * normal from B_t = B₀·√t random probes at radius δ_t = √d·θ·dist (L2) or d·θ·dist (L∞) around the boundary
 * point, the ±1 decisions centred by their mean (Section 3.2); a step along that direction (its sign under L∞) of
 * size dist/√t, halved until the point is adversarial again (geometric progression). Under L∞ the boundary search
 * shrinks the L∞ ball around x* instead of blending along the segment. The start is a uniform random point of the
 * value range that the model labels differently (up to 100 draws), or else the nearest row of the batch that it
 * labels differently.
 *
 * <p>Every call to the model counts one query per row it contains, the clean prediction included, and a row never
 * spends more than {@code maxQueries}: a gradient estimate uses only the probes still affordable, and a row whose
 * budget runs out stops where it is (the result says which rows). Each row keeps the closest adversarial point it
 * has verified by a query, so every returned adversarial row really is classified differently. With an
 * {@code epsilon} the row stops once that point is within ε, and a row whose best point stays farther counts as
 * not flipped (its clean input is returned); without one the attack minimises the distance until its iterations
 * or queries run out. Immutable and thread-safe.
 */
public final class HopSkipJump {
    private final Norm norm;
    private final OptionalDouble epsilon;
    private final int maxQueries;
    private final int iterations;
    private final int initialEvals;
    private final int maxEvals;
    private final ValueRange range;
    private final Targets targets;
    private final long seed;

    private HopSkipJump(Builder b) {
        norm = b.norm;
        epsilon = b.epsilon == null ? OptionalDouble.empty() : OptionalDouble.of(b.epsilon);
        maxQueries = b.maxQueries;
        iterations = b.iterations;
        initialEvals = b.initialEvals;
        maxEvals = b.maxEvals;
        range = b.range;
        targets = b.targets;
        seed = b.seed != null ? b.seed : new SecureRandom().nextLong();
    }

    /** Defaults: L2, no ε (minimise the distance), 1,000 queries and 50 iterations per row, B₀ = 100, range [0, 1]. */
    public static Builder builder() {
        return new Builder();
    }

    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", EvasionMethod.HOPSKIPJUMP.label());
        s.put("norm", norm.label());
        epsilon.ifPresent(e -> s.put("epsilon", e));
        s.put("max_queries", maxQueries);
        s.put("iterations", iterations);
        s.put("initial_evals", initialEvals);
        s.put("max_evals", maxEvals);
        s.put("targets", targets.label());
        s.put("value_min", range.min());
        s.put("value_max", range.max());
        return s;
    }

    /** Attacks every row of {@code x}; {@code labels} are the true labels. */
    public HopSkipJumpResult run(Classifier model, Matrix x, int[] labels) {
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
        int[] clean = Perturbations.argmax(model.predictProba(x).data(), k);
        int[] t = targets == Targets.TRUE ? labels : clean;
        long[] queries = new long[n];
        Arrays.fill(queries, 1);
        double[] distances = new double[n];
        Arrays.fill(distances, Double.POSITIVE_INFINITY);
        boolean[] exhausted = new boolean[n];
        Matrix adv = x.copy();
        double[] a = adv.data();
        double[] x0 = x.data();
        for (int i = 0; i < n; i++) {
            if (clean[i] != t[i]) {
                continue; // already misclassified: nothing to attack
            }
            Row row = new Row(model, Arrays.copyOfRange(x0, i * d, (i + 1) * d), t[i], queries[i],
                    new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1))));
            try {
                row.attack(x0, clean, t, i);
            } catch (BudgetSpent e) {
                exhausted[i] = true;
            }
            queries[i] = row.used;
            if (row.best != null) {
                distances[i] = row.bestDist;
                boolean within = epsilon.isEmpty() || row.bestDist <= epsilon.getAsDouble();
                if (within) {
                    System.arraycopy(row.best, 0, a, i * d, d);
                }
            }
        }
        int[] advPred = Perturbations.argmax(model.predictProba(adv).data(), k);
        EvasionResult r = EvasionResult.of(EvasionMethod.HOPSKIPJUMP, x, adv, labels, t, clean, advPred, queries,
                settings(), OptionalLong.of(seed));
        return new HopSkipJumpResult(r, distances, exhausted);
    }

    /** Thrown inside a row's attack when its next query would exceed the budget. */
    private static final class BudgetSpent extends RuntimeException {
        BudgetSpent() {
            super(null, null, false, false);
        }
    }

    /** One row's attack state: the clean input, its label, the queries spent and the best point verified. */
    private final class Row {
        final Classifier model;
        final double[] xs;
        final int label;
        final SplittableRandom rng;
        final int d;
        final double theta;
        long used;
        double[] best;
        double bestDist = Double.POSITIVE_INFINITY;

        Row(Classifier model, double[] xs, int label, long used, SplittableRandom rng) {
            this.model = model;
            this.xs = xs;
            this.label = label;
            this.used = used;
            this.rng = rng;
            this.d = xs.length;
            this.theta = norm == Norm.L2 ? Math.pow(d, -1.5) : Math.pow(d, -2.0);
        }

        /** Decisions for {@code count} points stored row-major in {@code pts}: true when labelled other than t. */
        boolean[] adversarial(double[] pts, int count) {
            if (used + count > maxQueries) {
                throw new BudgetSpent();
            }
            used += count;
            Matrix m = new Matrix(count, d, pts.length == count * d ? pts : Arrays.copyOf(pts, count * d));
            int[] p = Perturbations.argmax(model.predictProba(m).data(), model.numClasses());
            boolean[] out = new boolean[count];
            for (int r = 0; r < count; r++) {
                out[r] = p[r] != label;
            }
            return out;
        }

        boolean adversarial(double[] pt) {
            return adversarial(pt, 1)[0];
        }

        double dist(double[] p) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double v = p[j] - xs[j];
                s = norm == Norm.L2 ? s + v * v : Math.max(s, Math.abs(v));
            }
            return norm == Norm.L2 ? Math.sqrt(s) : s;
        }

        void offer(double[] p) {
            double dd = dist(p);
            if (dd < bestDist) {
                bestDist = dd;
                best = p.clone();
            }
        }

        boolean done() {
            return epsilon.isPresent() && bestDist <= epsilon.getAsDouble();
        }

        void attack(double[] x0, int[] clean, int[] t, int i) {
            double[] start = start(x0, clean, t, i);
            if (start == null) {
                return;
            }
            offer(start);
            double[] xb = boundary(start);
            offer(xb);
            for (int it = 1; it <= iterations && !done(); it++) {
                double dist = dist(xb);
                double delta = norm == Norm.L2 ? Math.sqrt(d) * theta * dist : d * theta * dist;
                int evals = (int) Math.min(maxEvals, Math.round(initialEvals * Math.sqrt(it)));
                evals = (int) Math.min(evals, maxQueries - used);
                if (evals < 2) {
                    throw new BudgetSpent();
                }
                double[] dir = direction(xb, delta, evals);
                if (dir == null) {
                    break;
                }
                double xi = dist / Math.sqrt(it);
                double[] cand = new double[d];
                boolean found = false;
                for (int half = 0; half < 30 && xi > 1e-12; half++) {
                    for (int j = 0; j < d; j++) {
                        cand[j] = clip(xb[j] + xi * dir[j]);
                    }
                    if (adversarial(cand)) {
                        found = true;
                        break;
                    }
                    xi /= 2;
                }
                if (!found) {
                    break;
                }
                offer(cand);
                xb = boundary(cand);
                offer(xb);
            }
        }

        /**
         * The nearest row of the batch that the model labelled otherwise (its label is already known from the clean
         * prediction, one query to confirm), else a uniform point of the range that is adversarial (up to 100 draws,
         * the paper's start).
         */
        double[] start(double[] x0, int[] clean, int[] t, int i) {
            double bestD = Double.POSITIVE_INFINITY;
            double[] pick = null;
            for (int o = 0; o < clean.length; o++) {
                if (o == i || clean[o] == label) {
                    continue;
                }
                double[] p = Arrays.copyOfRange(x0, o * d, (o + 1) * d);
                double dd = dist(p);
                if (dd < bestD) {
                    bestD = dd;
                    pick = p;
                }
            }
            if (pick != null && adversarial(pick)) {
                return pick;
            }
            if (range.bounded()) {
                double[] p = new double[d];
                for (int trial = 0; trial < 100; trial++) {
                    for (int j = 0; j < d; j++) {
                        p[j] = range.min() + rng.nextDouble() * (range.max() - range.min());
                    }
                    if (adversarial(p)) {
                        return p;
                    }
                }
            }
            return null;
        }

        /** The point at fraction a of the way from x* to p (L2) or p clipped to a·‖p − x*‖∞ around x* (L∞). */
        double[] towards(double[] p, double frac, double linfRadius) {
            double[] q = new double[d];
            for (int j = 0; j < d; j++) {
                q[j] = norm == Norm.L2 ? (1 - frac) * xs[j] + frac * p[j]
                        : Math.min(Math.max(p[j], xs[j] - frac * linfRadius), xs[j] + frac * linfRadius);
            }
            return q;
        }

        /** Binary search between x* (not adversarial) and p (adversarial); returns the adversarial end. */
        double[] boundary(double[] p) {
            double r = dist(p);
            double lo = 0;
            double hi = 1;
            while ((hi - lo) * r > theta) {
                double mid = (lo + hi) / 2;
                if (adversarial(towards(p, mid, r))) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return hi == 1 ? p : towards(p, hi, r);
        }

        /** Monte Carlo estimate of the boundary normal at xb (adversarial side positive), as a step direction. */
        double[] direction(double[] xb, double delta, int evals) {
            double[] u = new double[evals * d];
            double[] pts = new double[evals * d];
            for (int b = 0; b < evals; b++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double g = rng.nextGaussian();
                    u[b * d + j] = g;
                    s += g * g;
                }
                double inv = 1 / Math.sqrt(s);
                for (int j = 0; j < d; j++) {
                    double p = clip(xb[j] + delta * u[b * d + j] * inv);
                    pts[b * d + j] = p;
                    u[b * d + j] = (p - xb[j]) / delta; // the probe actually made, after clipping
                }
            }
            boolean[] adv = adversarial(pts, evals);
            double mean = 0;
            for (boolean v : adv) {
                mean += v ? 1 : -1;
            }
            mean /= evals;
            double centre = Math.abs(mean) == 1.0 ? 0 : mean;
            double[] g = new double[d];
            for (int b = 0; b < evals; b++) {
                double f = (adv[b] ? 1 : -1) - centre;
                for (int j = 0; j < d; j++) {
                    g[j] += f * u[b * d + j];
                }
            }
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += g[j] * g[j];
            }
            if (s == 0) {
                return null;
            }
            double inv = 1 / Math.sqrt(s);
            for (int j = 0; j < d; j++) {
                g[j] = norm == Norm.L2 ? g[j] * inv : Math.signum(g[j]);
            }
            return g;
        }
    }

    private double clip(double v) {
        return Math.min(Math.max(v, range.min()), range.max());
    }

    /** Builds a {@link HopSkipJump}; each setting may be made once. */
    public static final class Builder {
        private Norm norm = Norm.L2;
        private boolean normSet;
        private Double epsilon;
        private int maxQueries = 1000;
        private boolean maxQueriesSet;
        private int iterations = 50;
        private boolean iterationsSet;
        private int initialEvals = 100;
        private boolean initialEvalsSet;
        private int maxEvals = 10_000;
        private boolean maxEvalsSet;
        private ValueRange range = ValueRange.UNIT;
        private boolean rangeSet;
        private Targets targets = Targets.TRUE;
        private boolean targetsSet;
        private Long seed;

        private Builder() {
        }

        private static void once(boolean set, String what) {
            if (set) {
                throw new IllegalStateException(what + " was already set");
            }
        }

        public Builder norm(Norm v) {
            once(normSet, "norm");
            normSet = true;
            norm = Objects.requireNonNull(v, "norm");
            return this;
        }

        /** Stop a row once its adversarial point is within ε; rows farther away count as not flipped. */
        public Builder epsilon(double v) {
            once(epsilon != null, "epsilon");
            epsilon = v;
            return this;
        }

        /** Model queries per row, the clean prediction included; ≥ 1. */
        public Builder maxQueries(int v) {
            once(maxQueriesSet, "maxQueries");
            maxQueriesSet = true;
            maxQueries = v;
            return this;
        }

        /** Most gradient-estimation iterations per row; ≥ 1. */
        public Builder iterations(int v) {
            once(iterationsSet, "iterations");
            iterationsSet = true;
            iterations = v;
            return this;
        }

        /** B₀, the probes of the first gradient estimate (B_t = B₀·√t); ≥ 2. */
        public Builder initialEvals(int v) {
            once(initialEvalsSet, "initialEvals");
            initialEvalsSet = true;
            initialEvals = v;
            return this;
        }

        /** Most probes of one gradient estimate; ≥ 2. */
        public Builder maxEvals(int v) {
            once(maxEvalsSet, "maxEvals");
            maxEvalsSet = true;
            maxEvals = v;
            return this;
        }

        public Builder valueRange(ValueRange v) {
            once(rangeSet, "value range");
            rangeSet = true;
            range = Objects.requireNonNull(v, "range");
            return this;
        }

        public Builder targets(Targets v) {
            once(targetsSet, "targets");
            targetsSet = true;
            targets = Objects.requireNonNull(v, "targets");
            return this;
        }

        public Builder seed(long v) {
            once(seed != null, "seed");
            seed = v;
            return this;
        }

        public HopSkipJump build() {
            if (epsilon != null && (!(epsilon >= 0) || Double.isInfinite(epsilon))) {
                throw BadInputException.of("epsilon must be >= 0 and finite, got %s", epsilon);
            }
            if (maxQueries < 1) {
                throw BadInputException.of("the query budget must be >= 1, got %d", maxQueries);
            }
            if (iterations < 1) {
                throw BadInputException.of("iterations must be >= 1, got %d", iterations);
            }
            if (initialEvals < 2 || maxEvals < 2) {
                throw BadInputException.of("gradient probes must be >= 2, got %d and %d", initialEvals, maxEvals);
            }
            return new HopSkipJump(this);
        }
    }
}
