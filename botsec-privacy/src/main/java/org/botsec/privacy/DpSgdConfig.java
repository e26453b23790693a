package org.botsec.privacy;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.botsec.core.BadInputException;
import org.botsec.privacy.accountant.AccountantType;

/**
 * Everything DP-SGD needs, in TF Privacy's words: the equivalent of
 * {@code DPGradientDescentGaussianOptimizer(l2_norm_clip=1.0, noise_multiplier=0.5, num_microbatches=1,
 * learning_rate=0.15)} is
 * <pre>{@code
 * DpSgdConfig config = DpSgdConfig.builder()
 *         .l2NormClip(1.0).noiseMultiplier(0.5).numMicrobatches(1).learningRate(0.15)
 *         .batchSize(256).epochs(10).delta(1e-5)
 *         .build();
 * }</pre>
 * Immutable and thread-safe. The builder validates every argument when it is set and the combinations in
 * {@link Builder#build()}; setting an option twice is an error.
 *
 * <p>Defaults: per-example clipping (no microbatches), plain SGD, Poisson sampling, RDP accounting, noise and
 * sampling from {@link java.security.SecureRandom}, no ε target.
 */
public final class DpSgdConfig {
    private final double l2NormClip;
    private final double noiseMultiplier;
    private final Integer numMicrobatches;
    private final double learningRate;
    private final DpOptimizer optimizer;
    private final double momentum;
    private final double beta1;
    private final double beta2;
    private final double adamEpsilon;
    private final int batchSize;
    private final Double epochs;
    private final Long steps;
    private final Sampling sampling;
    private final double delta;
    private final Double targetEpsilon;
    private final AccountantType accountant;
    private final Long insecureSeed;

    private DpSgdConfig(Builder b) {
        this.l2NormClip = b.l2NormClip;
        this.noiseMultiplier = b.noiseMultiplier;
        this.numMicrobatches = b.numMicrobatches;
        this.learningRate = b.learningRate;
        this.optimizer = b.optimizer == null ? DpOptimizer.SGD : b.optimizer;
        this.momentum = b.momentum == null ? 0.0 : b.momentum;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.adamEpsilon = b.adamEpsilon;
        this.batchSize = b.batchSize;
        this.epochs = b.epochs;
        this.steps = b.steps;
        this.sampling = b.sampling == null ? Sampling.POISSON : b.sampling;
        this.delta = b.delta;
        this.targetEpsilon = b.targetEpsilon;
        this.accountant = b.accountant == null ? AccountantType.RDP : b.accountant;
        this.insecureSeed = b.insecureSeed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** C: each example's (or microbatch's) gradient is scaled down to L2 norm at most C. */
    public double l2NormClip() {
        return l2NormClip;
    }

    /** σ: the noise added to the sum of clipped gradients has standard deviation σ·C. */
    public double noiseMultiplier() {
        return noiseMultiplier;
    }

    /** Number of microbatches M; empty means per-example clipping. */
    public OptionalInt numMicrobatches() {
        return numMicrobatches == null ? OptionalInt.empty() : OptionalInt.of(numMicrobatches);
    }

    /** True when every example is its own microbatch (no numMicrobatches, or numMicrobatches == batchSize). */
    public boolean perExampleClipping() {
        return numMicrobatches == null || numMicrobatches == batchSize;
    }

    public double learningRate() {
        return learningRate;
    }

    public DpOptimizer optimizer() {
        return optimizer;
    }

    public double momentum() {
        return momentum;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double adamEpsilon() {
        return adamEpsilon;
    }

    /** B: the (expected, for Poisson sampling) batch size; the sample rate is q = B/n. */
    public int batchSize() {
        return batchSize;
    }

    public OptionalDouble epochs() {
        return epochs == null ? OptionalDouble.empty() : OptionalDouble.of(epochs);
    }

    public OptionalLong steps() {
        return steps == null ? OptionalLong.empty() : OptionalLong.of(steps);
    }

    /** Number of steps for a data set of n examples: the given steps, or ceil(epochs·n/B). */
    public long stepsFor(int n) {
        if (steps != null) {
            return steps;
        }
        return (long) Math.ceil(epochs * n / batchSize);
    }

    public Sampling sampling() {
        return sampling;
    }

    public double delta() {
        return delta;
    }

    /**
     * The privacy budget: the composed total ε of the whole private pipeline. {@link PrivateTraining} spends what
     * a DP preprocessing step (a DP vocabulary) costs first and gives DP-SGD the rest; {@link DpTraining} alone has
     * only DP-SGD, whose ε is then the total.
     */
    public OptionalDouble targetEpsilon() {
        return targetEpsilon == null ? OptionalDouble.empty() : OptionalDouble.of(targetEpsilon);
    }

    public AccountantType accountant() {
        return accountant;
    }

    /** The seed when noise and sampling were made replayable (INSECURE); empty for SecureRandom. */
    public OptionalLong insecureSeed() {
        return insecureSeed == null ? OptionalLong.empty() : OptionalLong.of(insecureSeed);
    }

    /**
     * The noise multiplier the accountant must use. With per-example clipping it is σ. With microbatches of more
     * than one example, adding or removing one example changes one microbatch's clipped mean gradient from one
     * vector of norm ≤ C to another, so the L2 sensitivity of the sum is 2C, not C, and the effective noise
     * multiplier is σ/2 (Ponomareva et al., "How to DP-fy ML", 2023, Sec. 5.6; TF Privacy's
     * {@code compute_dp_sgd_privacy_statement(used_microbatching=True)} does the same).
     */
    public double accountingNoiseMultiplier() {
        return perExampleClipping() ? noiseMultiplier : noiseMultiplier / 2;
    }

    /** Builds a {@link DpSgdConfig}; not thread-safe. */
    public static final class Builder {
        private double l2NormClip = Double.NaN;
        private double noiseMultiplier = Double.NaN;
        private Integer numMicrobatches;
        private double learningRate = Double.NaN;
        private DpOptimizer optimizer;
        private Double momentum;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double adamEpsilon = 1e-8;
        private int batchSize;
        private Double epochs;
        private Long steps;
        private Sampling sampling;
        private double delta = Double.NaN;
        private Double targetEpsilon;
        private AccountantType accountant;
        private Long insecureSeed;

        private Builder() {
        }

        private static void once(boolean alreadySet, String name) {
            if (alreadySet) {
                throw BadInputException.of("%s was already set", name);
            }
        }

        private static double positiveFinite(String name, double v) {
            if (!(v > 0 && Double.isFinite(v))) {
                throw BadInputException.of("%s must be > 0 and finite, got %s", name, v);
            }
            return v;
        }

        /** C &gt; 0: the L2 norm each example's (or microbatch's) gradient is clipped to. */
        public Builder l2NormClip(double c) {
            once(!Double.isNaN(l2NormClip), "l2NormClip");
            l2NormClip = positiveFinite("l2NormClip", c);
            return this;
        }

        /** σ ≥ 0: noise standard deviation / C. σ = 0 is allowed only to compare with non-private training (ε = ∞). */
        public Builder noiseMultiplier(double sigma) {
            once(!Double.isNaN(noiseMultiplier), "noiseMultiplier");
            if (!(sigma >= 0 && Double.isFinite(sigma))) {
                throw BadInputException.of("noiseMultiplier must be >= 0 and finite, got %s", sigma);
            }
            noiseMultiplier = sigma;
            return this;
        }

        /** M ≥ 1 microbatches per batch (TF Privacy's num_microbatches); unset means per-example clipping. */
        public Builder numMicrobatches(int m) {
            once(numMicrobatches != null, "numMicrobatches");
            if (m < 1) {
                throw BadInputException.of("numMicrobatches must be >= 1, got %d", m);
            }
            numMicrobatches = m;
            return this;
        }

        public Builder learningRate(double lr) {
            once(!Double.isNaN(learningRate), "learningRate");
            learningRate = positiveFinite("learningRate", lr);
            return this;
        }

        /** Plain SGD (the default). */
        public Builder sgd() {
            once(optimizer != null, "optimizer");
            optimizer = DpOptimizer.SGD;
            return this;
        }

        /** SGD with momentum μ in [0, 1). */
        public Builder momentum(double mu) {
            once(optimizer != null, "optimizer");
            if (!(mu >= 0 && mu < 1)) {
                throw BadInputException.of("momentum must be in [0, 1), got %s", mu);
            }
            optimizer = DpOptimizer.MOMENTUM;
            momentum = mu;
            return this;
        }

        /** DP-Adam with the usual defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
        public Builder adam() {
            return adam(0.9, 0.999, 1e-8);
        }

        /** DP-Adam with the given moments' decay rates in [0, 1) and ε &gt; 0. */
        public Builder adam(double b1, double b2, double eps) {
            once(optimizer != null, "optimizer");
            if (!(b1 >= 0 && b1 < 1)) {
                throw BadInputException.of("beta1 must be in [0, 1), got %s", b1);
            }
            if (!(b2 >= 0 && b2 < 1)) {
                throw BadInputException.of("beta2 must be in [0, 1), got %s", b2);
            }
            optimizer = DpOptimizer.ADAM;
            beta1 = b1;
            beta2 = b2;
            adamEpsilon = positiveFinite("adam epsilon", eps);
            return this;
        }

        /** B ≥ 1: expected batch size (Poisson: q = B/n) or fixed batch size (shuffle). */
        public Builder batchSize(int b) {
            once(batchSize != 0, "batchSize");
            if (b < 1) {
                throw BadInputException.of("batchSize must be >= 1, got %d", b);
            }
            batchSize = b;
            return this;
        }

        /** Training length in epochs (steps = ceil(epochs·n/B)); exclusive with {@link #steps}. */
        public Builder epochs(double e) {
            once(epochs != null || steps != null, "epochs/steps");
            epochs = positiveFinite("epochs", e);
            return this;
        }

        /** Training length in steps; exclusive with {@link #epochs}. */
        public Builder steps(long t) {
            once(epochs != null || steps != null, "epochs/steps");
            if (t < 1) {
                throw BadInputException.of("steps must be >= 1, got %d", t);
            }
            steps = t;
            return this;
        }

        public Builder sampling(Sampling s) {
            once(sampling != null, "sampling");
            sampling = java.util.Objects.requireNonNull(s, "sampling");
            return this;
        }

        /** δ in (0, 1); must also be below 1/n for the data set it is used with. */
        public Builder delta(double d) {
            once(!Double.isNaN(delta), "delta");
            if (!(d > 0 && d < 1)) {
                throw BadInputException.of("delta must be in (0, 1), got %s", d);
            }
            delta = d;
            return this;
        }

        /** Stop training before the composed total ε(δ) would exceed this budget (see {@link DpSgdConfig#targetEpsilon()}). */
        public Builder targetEpsilon(double eps) {
            once(targetEpsilon != null, "targetEpsilon");
            targetEpsilon = positiveFinite("targetEpsilon", eps);
            return this;
        }

        public Builder accountant(AccountantType type) {
            once(accountant != null, "accountant");
            accountant = java.util.Objects.requireNonNull(type, "accountant");
            return this;
        }

        /**
         * INSECURE: draw noise and batches from a generator seeded with {@code seed}, so that a run can be replayed
         * (tests, debugging). Anyone who knows the seed can subtract the noise: never ship a model trained this
         * way. The result and the provenance record the seed and say the noise was not secure.
         */
        public Builder insecureSeed(long seed) {
            once(insecureSeed != null, "insecureSeed");
            insecureSeed = seed;
            return this;
        }

        /** Checks that everything required was set and that the combination makes sense. */
        public DpSgdConfig build() {
            if (Double.isNaN(l2NormClip)) {
                throw BadInputException.of("l2NormClip is required");
            }
            if (Double.isNaN(noiseMultiplier)) {
                throw BadInputException.of("noiseMultiplier is required");
            }
            if (Double.isNaN(learningRate)) {
                throw BadInputException.of("learningRate is required");
            }
            if (batchSize == 0) {
                throw BadInputException.of("batchSize is required");
            }
            if (epochs == null && steps == null) {
                throw BadInputException.of("epochs or steps is required");
            }
            if (Double.isNaN(delta)) {
                throw BadInputException.of("delta is required");
            }
            if (numMicrobatches != null && numMicrobatches > batchSize) {
                throw BadInputException.of("numMicrobatches %d is larger than batchSize %d", numMicrobatches, batchSize);
            }
            if (numMicrobatches != null && batchSize % numMicrobatches != 0) {
                throw BadInputException.of("numMicrobatches %d does not divide batchSize %d", numMicrobatches,
                        batchSize);
            }
            if (targetEpsilon != null && noiseMultiplier == 0) {
                throw BadInputException.of("a target epsilon needs noiseMultiplier > 0, got 0.0");
            }
            return new DpSgdConfig(this);
        }
    }
}
