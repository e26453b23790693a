package org.botsec.federated;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.botsec.core.BadInputException;
import org.botsec.privacy.accountant.AccountantType;

/**
 * Client-level differential privacy for federated averaging: DP-FedAvg (McMahan, Ramage, Talwar, Zhang 2018,
 * "Learning Differentially Private Recurrent Language Models", Algorithm 1 with the fixed-denominator estimator),
 * optionally with adaptive clipping (Andrew, Thakkar, McMahan, Ramaswamy 2021, "Differentially Private Learning
 * with Adaptive Clipping").
 *
 * <p>Each round every client joins independently with probability q (Poisson sampling, q = the federation's
 * fraction-fit); each selected client's delta is clipped to L2 norm C and counted with weight 1; the server adds
 * Gaussian noise N(0, (z_Δ·C)²) to the sum and divides by the <em>expected</em> number of clients qN, so the
 * averaged update carries noise of standard deviation z_Δ·C/(qN).
 *
 * <p><b>Privacy unit.</b> One client with all its data; neighbouring federations differ by adding or removing one
 * client (add/remove relation). The accountant of botsec-privacy composes one Poisson-subsampled Gaussian
 * mechanism with noise multiplier z and rate q per round. With fixed clipping z_Δ = z. With adaptive clipping the
 * clients also report the bit b = [‖Δ‖ ≤ C], the server releases Σ(b − ½) + N(0, σ_b²) (sensitivity ½) and moves
 * C geometrically towards the target quantile γ: C ← C·exp(−η(b̄ − γ)). The two releases together are one Gaussian
 * mechanism of multiplier z when z_Δ = (z⁻² − (2σ_b)⁻²)^−½ (Andrew et al., Theorem 1), so the reported ε covers
 * the clip-count release too.
 *
 * <p><b>What the guarantee does not cover.</b> The server must be trusted to add the noise (central DP); every
 * client's own delta before aggregation is not private (secure aggregation hides it from the server, not from
 * the result). Noise and client sampling come from a secure generator unless {@link Builder#insecureSeed(long)}
 * asks for a seed; the model's guarantee then says {@code seeded (not private)}.
 *
 * @param l2NormClip         C (initial C with adaptive clipping), &gt; 0
 * @param noiseMultiplier    z: the noise multiplier the accountant uses (&gt; 0)
 * @param delta              δ of the reported (ε, δ), in (0, 1)
 * @param accountant         RDP or PLD
 * @param adaptive           adaptive clipping, when asked for
 * @param insecureSeed       a seed for noise and client sampling (replayable, NOT private), when asked for
 */
public record DpFedAvg(double l2NormClip, double noiseMultiplier, double delta, AccountantType accountant,
                       Optional<AdaptiveClipping> adaptive, OptionalLong insecureSeed) {

    /**
     * Quantile-based adaptive clipping (Andrew et al. 2021, geometric update).
     *
     * @param targetQuantile      γ: the fraction of clients whose delta should be left unclipped, in (0, 1)
     * @param learningRate        η: C changes by at most a factor exp(η) per round (paper: 0.2)
     * @param clippedCountStddev  σ_b, the noise on the count of unclipped clients; empty = expected clients / 20
     *                            (the paper's suggestion)
     */
    public record AdaptiveClipping(double targetQuantile, double learningRate, OptionalDouble clippedCountStddev) {
        /** The paper's suggested learning rate η for geometric updates. */
        public static final double DEFAULT_LEARNING_RATE = 0.2;

        public AdaptiveClipping {
            if (!(targetQuantile > 0 && targetQuantile < 1)) {
                throw BadInputException.of("adaptive clip quantile must be in (0, 1), got %s", targetQuantile);
            }
            if (!(learningRate > 0 && Double.isFinite(learningRate))) {
                throw BadInputException.of("clip learning rate must be > 0 and finite, got %s", learningRate);
            }
            if (clippedCountStddev.isPresent()
                    && !(clippedCountStddev.getAsDouble() > 0 && Double.isFinite(clippedCountStddev.getAsDouble()))) {
                throw BadInputException.of("clipped-count stddev must be > 0 and finite, got %s",
                        clippedCountStddev.getAsDouble());
            }
        }

        /** γ with the paper's η = 0.2 and σ_b = expected clients / 20. */
        public static AdaptiveClipping quantile(double targetQuantile) {
            return new AdaptiveClipping(targetQuantile, DEFAULT_LEARNING_RATE, OptionalDouble.empty());
        }

        /** σ_b for a round with {@code expectedClients} expected participants. */
        public double clippedCountStddev(double expectedClients) {
            return clippedCountStddev.orElse(expectedClients / 20.0);
        }
    }

    public DpFedAvg {
        if (!(l2NormClip > 0 && Double.isFinite(l2NormClip))) {
            throw BadInputException.of("dp clip must be > 0 and finite, got %s", l2NormClip);
        }
        if (!(noiseMultiplier > 0 && Double.isFinite(noiseMultiplier))) {
            throw BadInputException.of("dp noise multiplier must be > 0 and finite, got %s", noiseMultiplier);
        }
        if (!(delta > 0 && delta < 1)) {
            throw BadInputException.of("delta must be in (0, 1), got %s", delta);
        }
        java.util.Objects.requireNonNull(accountant, "accountant");
        java.util.Objects.requireNonNull(adaptive, "adaptive");
        java.util.Objects.requireNonNull(insecureSeed, "insecureSeed");
    }

    /**
     * The noise multiplier z_Δ applied to the clipped sum of deltas when the federation expects
     * {@code expectedClients} per round: z itself with fixed clipping; (z⁻² − (2σ_b)⁻²)^−½ with adaptive clipping.
     *
     * @throws BadInputException when z ≥ 2σ_b: the clip-count release alone would already spend the whole budget
     */
    public double updateNoiseMultiplier(double expectedClients) {
        if (adaptive.isEmpty()) {
            return noiseMultiplier;
        }
        double sb = adaptive.get().clippedCountStddev(expectedClients);
        double rest = 1.0 / (noiseMultiplier * noiseMultiplier) - 1.0 / (4 * sb * sb);
        if (!(rest > 0)) {
            throw BadInputException.of("adaptive clipping: noise multiplier %s needs a clipped-count stddev above %s "
                    + "(z < 2 sigma_b, Andrew et al. Theorem 1), got %s (expected clients %s / 20 by default: use more "
                    + "clients per round or a smaller noise multiplier)", noiseMultiplier, noiseMultiplier / 2, sb,
                    expectedClients);
        }
        return 1.0 / Math.sqrt(rest);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of DP-FedAvg; each may be set once; {@link #build()} validates them. */
    public static final class Builder {
        private Double l2NormClip;
        private Double noiseMultiplier;
        private Double delta;
        private AccountantType accountant;
        private AdaptiveClipping adaptive;
        private Long insecureSeed;

        private Builder() {
        }

        private static void once(Object current, String name) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /** C: the per-client L2 clipping norm (the initial one with adaptive clipping). */
        public Builder l2NormClip(double c) {
            once(l2NormClip, "l2NormClip");
            l2NormClip = c;
            return this;
        }

        /** z: noise standard deviation over the clipping norm (of the whole mechanism, clip count included). */
        public Builder noiseMultiplier(double z) {
            once(noiseMultiplier, "noiseMultiplier");
            noiseMultiplier = z;
            return this;
        }

        /** δ of the reported guarantee. */
        public Builder delta(double d) {
            once(delta, "delta");
            delta = d;
            return this;
        }

        /** RDP (default) or PLD. */
        public Builder accountant(AccountantType a) {
            once(accountant, "accountant");
            accountant = a;
            return this;
        }

        /** Adaptive clipping instead of fixed. */
        public Builder adaptiveClipping(AdaptiveClipping a) {
            once(adaptive, "adaptiveClipping");
            adaptive = a;
            return this;
        }

        /**
         * Seeds the DP noise and client sampling: replayable for tests and experiments, and then NOT private (the
         * model's guarantee records {@code seeded (not private)}).
         */
        public Builder insecureSeed(long seed) {
            once(insecureSeed, "insecureSeed");
            insecureSeed = seed;
            return this;
        }

        public DpFedAvg build() {
            if (l2NormClip == null || noiseMultiplier == null || delta == null) {
                throw BadInputException.of("DP-FedAvg needs the clip, the noise multiplier and delta (--dp-clip, "
                        + "--dp-noise-multiplier, --delta); got clip %s, noise multiplier %s, delta %s",
                        l2NormClip, noiseMultiplier, delta);
            }
            return new DpFedAvg(l2NormClip, noiseMultiplier, delta, accountant == null ? AccountantType.RDP : accountant,
                    Optional.ofNullable(adaptive),
                    insecureSeed == null ? OptionalLong.empty() : OptionalLong.of(insecureSeed));
        }
    }
}
