package org.botsec.attack.evasion;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.botsec.attack.evasion.internal.LinearGradientKernel;
import org.botsec.attack.evasion.internal.Perturbations;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.GradientModel;

/**
 * FGSM (Goodfellow, Shlens &amp; Szegedy, "Explaining and Harnessing Adversarial Examples", ICLR 2015) and PGD
 * (Madry et al., "Towards Deep Learning Models Resistant to Adversarial Attacks", ICLR 2018), untargeted, under
 * L∞ or L2. Each step is x ← Π_ε(clip(x + α·dir(∇ₓ loss(x, t)))), where dir is sign(∇) (L∞, sign(0) = 0) or
 * ∇/‖∇‖₂ (L2), clip keeps the {@link ValueRange} and Π_ε projects back onto the ε-ball around the clean input —
 * IBM ART's FastGradientMethod / ProjectedGradientDescent conventions, checked against ART 1.20 on digits. FGSM is
 * one step of size ε.
 *
 * <p>Random starts (Madry et al.): with {@code randomStarts} R &gt; 0 the attack runs R times, each from a uniform
 * point of the ε-ball, and keeps for each row the run that flips it, or else the one with the highest loss. (ART
 * keeps the best whole batch instead; per row is at least as strong.) R = 0 starts at the clean input and is
 * deterministic.
 *
 * <p>Each step computes the input gradients of the whole batch in one call ({@link
 * GradientModel#lossInputGradient}), and updates it with array kernels; nothing in the loop works one example at a
 * time. A {@link org.botsec.core.model.LinearModel}'s gradients come from a kernel whose buffers every step reuses
 * instead of a model call that allocates them (the same values within 1e-12, bit for bit with OpenBLAS here; a
 * test compares the two paths), and FGSM under L∞ checks its input's value range inside its step.
 * Instances are immutable and thread-safe.
 */
public final class GradientAttack {
    private final EvasionMethod method;
    private final Norm norm;
    private final double epsilon;
    private final double stepSize;
    private final int steps;
    private final int randomStarts;
    private final ValueRange range;
    private final Targets targets;
    private final long seed;
    private final boolean seedGiven;

    private GradientAttack(Builder b) {
        method = b.method;
        norm = b.norm;
        epsilon = b.epsilon;
        steps = b.steps;
        stepSize = b.stepSize;
        randomStarts = b.randomStarts;
        range = b.range;
        targets = b.targets;
        seedGiven = b.seed != null;
        seed = seedGiven ? b.seed : (randomStarts > 0 ? new SecureRandom().nextLong() : 0L);
    }

    /** FGSM: one step of size ε; default norm L∞, range [0, 1], true labels. */
    public static Builder fgsm() {
        return new Builder(EvasionMethod.FGSM);
    }

    /** PGD: default norm L∞, 40 steps of 2.5·ε/steps (Madry et al.), no random start, range [0, 1], true labels. */
    public static Builder pgd() {
        return new Builder(EvasionMethod.PGD);
    }

    public EvasionMethod method() {
        return method;
    }

    public Norm norm() {
        return norm;
    }

    public double epsilon() {
        return epsilon;
    }

    public double stepSize() {
        return stepSize;
    }

    public int steps() {
        return steps;
    }

    public int randomStarts() {
        return randomStarts;
    }

    public ValueRange valueRange() {
        return range;
    }

    public Targets targets() {
        return targets;
    }

    /** The seed of the random starts (drawn from SecureRandom and recorded when not given; empty when R = 0). */
    public OptionalLong seed() {
        return randomStarts > 0 || seedGiven ? OptionalLong.of(seed) : OptionalLong.empty();
    }

    /** The settings as recorded in results, JSON-friendly. */
    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", method.label());
        s.put("norm", norm.label());
        s.put("epsilon", epsilon);
        s.put("steps", steps);
        s.put("step_size", stepSize);
        s.put("random_starts", randomStarts);
        s.put("targets", targets.label());
        s.put("value_min", range.min());
        s.put("value_max", range.max());
        return s;
    }

    /**
     * Attacks every row of {@code x} and measures the result.
     *
     * @param model  the model under attack
     * @param x      clean inputs, n × numFeatures, inside the value range
     * @param labels true labels (class indices of the model)
     */
    public EvasionResult run(GradientModel model, Matrix x, int[] labels) {
        return run(model, x, labels, EvasionProgress.NONE);
    }

    /** As {@link #run(GradientModel, Matrix, int[])}, reporting each finished step to {@code progress}. */
    public EvasionResult run(GradientModel model, Matrix x, int[] labels, EvasionProgress progress) {
        check(model, x, labels);
        int k = model.numClasses();
        int[] clean = Perturbations.argmax(model.predictProba(x).data(), k);
        int[] t = targets == Targets.TRUE ? labels : clean;
        Matrix adv = generate(model, x, t, progress);
        int[] advPred = Perturbations.argmax(model.predictProba(adv).data(), k);
        long[] queries = new long[x.rows()];
        java.util.Arrays.fill(queries, (long) steps * Math.max(1, randomStarts));
        return EvasionResult.of(method, x, adv, labels, t, clean, advPred, queries, settings(), seed());
    }

    /**
     * The adversarial inputs only (the hot path that benchmarks time): pushes each row away from its label in
     * {@code targets}.
     */
    public Matrix generate(GradientModel model, Matrix x, int[] targets) {
        return generate(model, x, targets, EvasionProgress.NONE);
    }

    private Matrix generate(GradientModel model, Matrix x, int[] targets, EvasionProgress progress) {
        checkShapes(model, x, targets);
        long total = (long) steps * Math.max(1, randomStarts);
        // A linear model's gradients come from a kernel with buffers reused by every step (bit-identical values;
        // see LinearGradientKernel) instead of a model call that allocates them each time.
        LinearGradientKernel kernel = LinearGradientKernel.of(model, x.rows()).orElse(null);
        if (randomStarts == 0 && steps == 1 && kernel != null) {
            // One step from the clean inputs (FGSM): the gradient is written into the result's array and the step
            // overwrites it there, so neither a copy of x nor a gradient buffer is made. Under L∞ the step also
            // checks the input's range (a NaN marks a value outside; see linfStepFromCheckedInput).
            Matrix adv = new Matrix(x.rows(), x.cols());
            if (norm == Norm.LINF) {
                double[] g = kernel.inputGradient(x, targets, adv);
                Perturbations.linfStepFromCheckedInput(x.data(), g, g, stepSize, range.min(), range.max(), epsilon);
                if (Perturbations.hasNaN(g)) {
                    range.check(x, "input"); // throws, naming the first value outside the range
                    // else the NaN came from the model's own gradient, and is returned as the general path does
                }
            } else {
                range.check(x, "input");
                double[] g = kernel.inputGradient(x, targets, adv);
                Perturbations.l2StepProject(x.data(), x.data(), g, g, x.cols(), stepSize, range.min(), range.max(),
                        epsilon);
            }
            progress.update(1, 1);
            return adv;
        }
        range.check(x, "input");
        if (randomStarts == 0) {
            Matrix adv = x.copy();
            descend(model, kernel, x.data(), adv, targets, progress, 0, total);
            return adv;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int n = x.rows();
        int d = x.cols();
        int k = model.numClasses();
        Matrix best = null;
        boolean[] bestFlipped = new boolean[n];
        double[] bestLoss = new double[n];
        for (int r = 0; r < randomStarts; r++) {
            Matrix adv = new Matrix(n, d);
            Perturbations.randomStart(adv.data(), x.data(), d, norm == Norm.LINF, epsilon, range.min(), range.max(),
                    rng);
            descend(model, kernel, x.data(), adv, targets, progress, (long) r * steps, total);
            double[] p = model.predictProba(adv).data();
            if (best == null) {
                best = adv;
                for (int i = 0; i < n; i++) {
                    bestFlipped[i] = Perturbations.argmax(p, i, k) != targets[i];
                    bestLoss[i] = -Math.log(p[i * k + targets[i]]);
                }
                continue;
            }
            double[] bd = best.data();
            double[] ad = adv.data();
            for (int i = 0; i < n; i++) {
                boolean flipped = Perturbations.argmax(p, i, k) != targets[i];
                double loss = -Math.log(p[i * k + targets[i]]);
                if ((flipped && !bestFlipped[i]) || (flipped == bestFlipped[i] && loss > bestLoss[i])) {
                    System.arraycopy(ad, i * d, bd, i * d, d);
                    bestFlipped[i] = flipped;
                    bestLoss[i] = loss;
                }
            }
        }
        return best;
    }

    private void descend(GradientModel model, LinearGradientKernel kernel, double[] x0, Matrix adv, int[] targets,
            EvasionProgress progress, long done, long total) {
        int d = adv.cols();
        double[] a = adv.data();
        double lo = range.min();
        double hi = range.max();
        boolean linf = norm == Norm.LINF;
        for (int s = 0; s < steps; s++) {
            double[] g = kernel != null ? kernel.inputGradient(adv, targets)
                    : model.lossInputGradient(adv, targets).data();
            if (linf) {
                Perturbations.linfStepProject(a, x0, g, stepSize, lo, hi, epsilon);
            } else {
                Perturbations.l2StepProject(a, x0, g, d, stepSize, lo, hi, epsilon);
            }
            progress.update(done + s + 1, total);
        }
    }

    private void check(GradientModel model, Matrix x, int[] labels) {
        checkShapes(model, x, labels);
        range.check(x, "input");
    }

    /** The checks of {@link #check} but the value range (FGSM on a linear model checks it within its step). */
    private void checkShapes(GradientModel model, Matrix x, int[] labels) {
        if (x.cols() != model.numFeatures()) {
            throw BadInputException.of("model expects %d features, input has %d", model.numFeatures(), x.cols());
        }
        if (labels.length != x.rows()) {
            throw BadInputException.of("%d labels for %d rows", labels.length, x.rows());
        }
        int k = model.numClasses();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw BadInputException.of("label %d of row %d is not a class index in [0, %d)", labels[i], i, k);
            }
        }
    }

    /** Builds a {@link GradientAttack}; each setting may be made once, and {@link #build()} checks them together. */
    public static final class Builder {
        private final EvasionMethod method;
        private Norm norm;
        private Double epsilon;
        private Double stepSize;
        private Integer steps;
        private Integer randomStarts;
        private ValueRange range;
        private Targets targets;
        private Long seed;

        private Builder(EvasionMethod method) {
            this.method = method;
        }

        public Builder norm(Norm value) {
            norm = once(norm, value, "norm");
            return this;
        }

        /** Perturbation budget ε ≥ 0 (L∞: per feature; L2: total). */
        public Builder epsilon(double value) {
            epsilon = once(epsilon, value, "epsilon");
            return this;
        }

        /** PGD step size α &gt; 0 (FGSM's step is ε). */
        public Builder stepSize(double value) {
            stepSize = once(stepSize, value, "step size");
            return this;
        }

        /** PGD iterations ≥ 1 (FGSM: 1). */
        public Builder steps(int value) {
            steps = once(steps, value, "steps");
            return this;
        }

        /** Random starts R ≥ 0 (0: start at the clean input). */
        public Builder randomStarts(int value) {
            randomStarts = once(randomStarts, value, "random starts");
            return this;
        }

        public Builder valueRange(ValueRange value) {
            range = once(range, value, "value range");
            return this;
        }

        public Builder targets(Targets value) {
            targets = once(targets, value, "targets");
            return this;
        }

        /** Seed of the random starts (default: drawn from SecureRandom and recorded). */
        public Builder seed(long value) {
            seed = once(seed, value, "seed");
            return this;
        }

        public GradientAttack build() {
            if (epsilon == null) {
                throw new BadInputException("epsilon must be set");
            }
            if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
                throw BadInputException.of("epsilon must be >= 0 and finite, got %s", epsilon);
            }
            norm = norm == null ? Norm.LINF : norm;
            range = range == null ? ValueRange.UNIT : range;
            targets = targets == null ? Targets.TRUE : targets;
            randomStarts = randomStarts == null ? 0 : randomStarts;
            if (randomStarts < 0 || randomStarts > 1000) {
                throw BadInputException.of("random starts must be from 0 to 1000, got %d", randomStarts);
            }
            if (method == EvasionMethod.FGSM) {
                if (steps != null && steps != 1) {
                    throw BadInputException.of("FGSM takes one step; got steps %d (use PGD for more)", steps);
                }
                if (stepSize != null && stepSize.doubleValue() != epsilon.doubleValue()) {
                    throw BadInputException.of("FGSM's step is epsilon; got step size %s (use PGD)", stepSize);
                }
                steps = 1;
                stepSize = epsilon;
            } else {
                steps = steps == null ? 40 : steps;
                if (steps <= 0 || steps > 1_000_000) {
                    throw BadInputException.of("steps must be from 1 to 1000000, got %d", steps);
                }
                stepSize = stepSize == null ? 2.5 * epsilon / steps : stepSize;
                if (!(stepSize >= 0) || Double.isInfinite(stepSize) || (stepSize == 0 && epsilon > 0)) {
                    throw BadInputException.of("step size must be > 0 and finite, got %s", stepSize);
                }
            }
            return new GradientAttack(this);
        }

        private static <T> T once(T current, T value, String name) {
            java.util.Objects.requireNonNull(value, name);
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
            return value;
        }
    }
}
