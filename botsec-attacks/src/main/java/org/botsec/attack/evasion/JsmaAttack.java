package org.botsec.attack.evasion;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.botsec.attack.evasion.internal.Perturbations;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.GradientModel;

/**
 * The Jacobian-based saliency map attack (Papernot, McDaniel, Jha, Fredrikson, Celik &amp; Swami, "The Limitations of
 * Deep Learning in Adversarial Settings", EuroS&amp;P 2016, Algorithms 2 and 3): a targeted, white-box, sparse (L0)
 * attack. Each iteration picks the <em>pair</em> of features (p, q) from the search domain Γ that maximises the
 * saliency α·|β| with α &gt; 0 and β &lt; 0 (for θ &gt; 0; mirrored for θ &lt; 0), where α = ∂F_t/∂x_p + ∂F_t/∂x_q is the
 * pair's effect on the target class t and β = Σ_{j≠t} (∂F_j/∂x_p + ∂F_j/∂x_q) its effect on the other classes; it
 * adds θ to both (clipped to the value range), removes them from Γ, and stops when the prediction is t, when the
 * next pair would take more than γ·d features, or when Γ holds fewer than two features.
 *
 * <p>F is the model's softmax output, as in the paper's MNIST network. Because Σ_j F_j = 1, β = −α exactly, so
 * the paper's criterion α·|β| = α² with α &gt; 0 is maximised by the two features with the largest ∂F_t/∂x (a
 * linear scan instead of a search over all pairs; {@code JsmaAttackTest} checks the choice against a brute-force
 * search over every pair with a finite-difference Jacobian). ∂F_t/∂x = −p_t·∇ₓ loss(x, t) has the direction of
 * the negated loss gradient, which is all the ranking needs. When no remaining pair has α &gt; 0 (θ &gt; 0), the row
 * stops: no pair moves it towards t.
 *
 * <p>The search domain starts with the features that can move in θ's direction (below the range's maximum for θ
 * &gt; 0); the paper's θ = 1 on [0, 1] pixels sets each chosen pixel to 1. Rows whose clean prediction is already
 * the target are left unchanged. All rows still being attacked share one gradient call and one prediction call
 * per iteration; queries count both. Immutable and thread-safe.
 */
public final class JsmaAttack {
    private final double theta;
    private final double gamma;
    private final ValueRange range;
    private final Targets targets;
    private final TargetClass targetClass;
    private final long seed;

    private JsmaAttack(Builder b) {
        theta = b.theta;
        gamma = b.gamma;
        range = b.range;
        targets = b.targets;
        targetClass = b.targetClass;
        seed = b.seed != null ? b.seed : new SecureRandom().nextLong();
    }

    /** Defaults: θ = 1, γ = 0.1 (the paper's settings for MNIST: 14.5% was its largest distortion), range [0, 1]. */
    public static Builder builder() {
        return new Builder();
    }

    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", EvasionMethod.JSMA.label());
        s.put("norm", "l0");
        s.put("theta", theta);
        s.put("gamma", gamma);
        s.put("target_class", targetClass.label());
        s.put("targets", targets.label());
        s.put("value_min", range.min());
        s.put("value_max", range.max());
        return s;
    }

    /** Most features changed per row: ⌊γ·d⌋. */
    public int maxFeatures(int d) {
        return (int) Math.floor(gamma * d + 1e-9);
    }

    /** Picks each row's target class by this attack's {@link TargetClass} rule, then attacks. */
    public JsmaResult run(GradientModel model, Matrix x, int[] labels) {
        check(model, x, labels);
        int k = model.numClasses();
        double[] p = model.predictProba(x).data();
        int[] clean = Perturbations.argmax(p, k);
        int[] t = targets == Targets.TRUE ? labels : clean;
        int[] goal = new int[x.rows()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < goal.length; i++) {
            goal[i] = switch (targetClass) {
                case NEXT -> (t[i] + 1) % k;
                case RANDOM -> {
                    int c = rng.nextInt(k - 1);
                    yield c >= t[i] ? c + 1 : c;
                }
                case SECOND -> {
                    int best = -1;
                    for (int c = 0; c < k; c++) {
                        if (c != t[i] && (best < 0 || p[i * k + c] > p[i * k + best])) {
                            best = c;
                        }
                    }
                    yield best;
                }
            };
        }
        return attack(model, x, labels, goal, clean, t, OptionalLong.of(seed));
    }

    /** Attacks with the given target class per row (in [0, k)); the {@link TargetClass} rule is not used. */
    public JsmaResult run(GradientModel model, Matrix x, int[] labels, int[] targetClasses) {
        check(model, x, labels);
        if (targetClasses.length != x.rows()) {
            throw BadInputException.of("%d target classes for %d rows", targetClasses.length, x.rows());
        }
        int k = model.numClasses();
        for (int c : targetClasses) {
            if (c < 0 || c >= k) {
                throw BadInputException.of("target class must be in [0, %d), got %d", k, c);
            }
        }
        int[] clean = Perturbations.argmax(model.predictProba(x).data(), k);
        int[] t = targets == Targets.TRUE ? labels : clean;
        return attack(model, x, labels, targetClasses.clone(), clean, t, OptionalLong.empty());
    }

    private void check(GradientModel model, Matrix x, int[] labels) {
        if (x.cols() != model.numFeatures()) {
            throw BadInputException.of("model expects %d features, input has %d", model.numFeatures(), x.cols());
        }
        if (labels.length != x.rows()) {
            throw BadInputException.of("%d labels for %d rows", labels.length, x.rows());
        }
        if (model.numClasses() < 2) {
            throw BadInputException.of("JSMA needs at least 2 classes, the model has %d", model.numClasses());
        }
        range.check(x, "input");
    }

    private JsmaResult attack(GradientModel model, Matrix x, int[] labels, int[] goal, int[] clean, int[] t,
            OptionalLong usedSeed) {
        int n = x.rows();
        int d = x.cols();
        int k = model.numClasses();
        int budget = maxFeatures(d);
        Matrix adv = x.copy();
        double[] a = adv.data();
        boolean up = theta > 0;
        boolean[] domain = new boolean[n * d];
        int[] domainSize = new int[n];
        int[] changed = new int[n];
        long[] queries = new long[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = a[i * d + j];
                boolean movable = up ? v < range.max() : v > range.min();
                domain[i * d + j] = movable;
                if (movable) {
                    domainSize[i]++;
                }
            }
        }
        int[] active = java.util.stream.IntStream.range(0, n)
                .filter(i -> clean[i] != goal[i] && domainSize[i] >= 2 && budget >= 2).toArray();
        while (active.length > 0) {
            Matrix sub = adv.selectRows(active);
            int[] subGoal = new int[active.length];
            for (int r = 0; r < active.length; r++) {
                subGoal[r] = goal[active[r]];
            }
            // ∇ loss(x, t) = −∇F_t / F_t: the saliency of a feature for θ > 0 is −g, for θ < 0 it is +g
            double[] g = model.lossInputGradient(sub, subGoal).data();
            double[] s = sub.data();
            boolean[] stuck = new boolean[active.length];
            for (int r = 0; r < active.length; r++) {
                int i = active[r];
                queries[i]++;
                int p1 = -1;
                int p2 = -1;
                double s1 = Double.NEGATIVE_INFINITY;
                double s2 = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < d; j++) {
                    if (!domain[i * d + j]) {
                        continue;
                    }
                    double sal = up ? -g[r * d + j] : g[r * d + j];
                    if (sal > s1) {
                        p2 = p1;
                        s2 = s1;
                        p1 = j;
                        s1 = sal;
                    } else if (sal > s2) {
                        p2 = j;
                        s2 = sal;
                    }
                }
                if (p2 < 0 || !(s1 + s2 > 0)) {
                    stuck[r] = true; // no pair moves the row towards its target (α ≤ 0)
                    continue;
                }
                for (int j : new int[] {p1, p2}) {
                    double v = up ? Math.min(range.max(), a[i * d + j] + theta)
                            : Math.max(range.min(), a[i * d + j] + theta);
                    a[i * d + j] = v;
                    s[r * d + j] = v;
                    domain[i * d + j] = false;
                }
                domainSize[i] -= 2;
                changed[i] += 2;
            }
            int[] pred = Perturbations.argmax(model.predictProba(sub).data(), k);
            int kept = 0;
            for (int r = 0; r < active.length; r++) {
                int i = active[r];
                queries[i]++;
                if (!stuck[r] && pred[r] != goal[i] && changed[i] + 2 <= budget && domainSize[i] >= 2) {
                    active[kept++] = i;
                }
            }
            active = java.util.Arrays.copyOf(active, kept);
        }
        int[] advPred = Perturbations.argmax(model.predictProba(adv).data(), k);
        EvasionResult r = EvasionResult.of(EvasionMethod.JSMA, x, adv, labels, t, clean, advPred, queries,
                settings(), usedSeed);
        return new JsmaResult(r, goal);
    }

    /** Builds a {@link JsmaAttack}; each setting may be made once. */
    public static final class Builder {
        private Double thetaSet;
        private double theta = 1.0;
        private Double gammaSet;
        private double gamma = 0.1;
        private ValueRange range = ValueRange.UNIT;
        private boolean rangeSet;
        private Targets targets = Targets.TRUE;
        private boolean targetsSet;
        private TargetClass targetClass = TargetClass.NEXT;
        private boolean targetClassSet;
        private Long seed;

        private Builder() {
        }

        /** Change added to each chosen feature (paper: +1 on [0, 1] pixels); ≠ 0 and finite. */
        public Builder theta(double v) {
            if (thetaSet != null) {
                throw new IllegalStateException("theta was already set to " + thetaSet);
            }
            thetaSet = v;
            theta = v;
            return this;
        }

        /** Largest fraction of the features that may change, in (0, 1]. */
        public Builder gamma(double v) {
            if (gammaSet != null) {
                throw new IllegalStateException("gamma was already set to " + gammaSet);
            }
            gammaSet = v;
            gamma = v;
            return this;
        }

        public Builder valueRange(ValueRange v) {
            if (rangeSet) {
                throw new IllegalStateException("value range was already set to " + range);
            }
            rangeSet = true;
            range = Objects.requireNonNull(v, "range");
            return this;
        }

        /** Whether target classes are chosen relative to the true labels or the clean predictions. */
        public Builder targets(Targets v) {
            if (targetsSet) {
                throw new IllegalStateException("targets was already set to " + targets);
            }
            targetsSet = true;
            targets = Objects.requireNonNull(v, "targets");
            return this;
        }

        public Builder targetClass(TargetClass v) {
            if (targetClassSet) {
                throw new IllegalStateException("target class was already set to " + targetClass);
            }
            targetClassSet = true;
            targetClass = Objects.requireNonNull(v, "targetClass");
            return this;
        }

        /** Seed of {@link TargetClass#RANDOM} (default: drawn from SecureRandom; always recorded). */
        public Builder seed(long v) {
            if (seed != null) {
                throw new IllegalStateException("seed was already set to " + seed);
            }
            seed = v;
            return this;
        }

        public JsmaAttack build() {
            if (!(theta != 0) || !Double.isFinite(theta)) {
                throw BadInputException.of("theta must be non-zero and finite, got %s", theta);
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw BadInputException.of("gamma must be in (0, 1], got %s", gamma);
            }
            return new JsmaAttack(this);
        }
    }
}
