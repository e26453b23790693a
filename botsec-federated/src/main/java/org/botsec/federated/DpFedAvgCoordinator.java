package org.botsec.federated;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.botsec.core.BadInputException;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.federated.internal.DpState;
import org.botsec.privacy.DpSgd;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.privacy.accountant.PrivacyAccountant;
import org.botsec.privacy.accountant.PrivacySpent;

/**
 * The server side of one DP-FedAvg run ({@link DpFedAvg}; McMahan, Ramage, Talwar, Zhang 2018, "Learning
 * Differentially Private Recurrent Language Models", Algorithm 1, fixed-denominator estimator; adaptive clipping of
 * Andrew et al. 2021): Poisson client sampling with rate q, the round's clipping norm, the Gaussian noise on the
 * clipped sum and the client-level {@link PrivacyGuarantee}. The in-process {@link Federation} and the networked
 * coordinator ({@code org.botsec.federated.net.FlServer}) both run DP-FedAvg through this class, so a networked run
 * with the same insecure seed replays the simulation and reports the same ε.
 *
 * <p><b>Privacy unit.</b> One client (all its data); add/remove neighbouring relation; Poisson sampling with rate q
 * per round; ε from botsec-privacy's accountant for the subsampled Gaussian mechanism (q, z, rounds, δ). Noise and
 * sampling come from {@link DpSgd#secureRandomness()} unless the config carries an insecure seed.
 *
 * <p>Not thread-safe: the coordinator calls it between rounds.
 */
public final class DpFedAvgCoordinator {
    private final DpFedAvg config;
    private final int clients;
    private final double sampleRate;
    private final DpState state;

    private DpFedAvgCoordinator(DpFedAvg config, int clients, double sampleRate, DpState state) {
        this.config = config;
        this.clients = clients;
        this.sampleRate = sampleRate;
        this.state = state;
    }

    /**
     * The coordinator for {@code clients} clients sampled with rate {@code sampleRate} (the fraction-fit): noise and
     * sampling from a secure generator, or — with {@link DpFedAvg#insecureSeed()} — two streams split from
     * {@code SplittableRandom(seed)} (sampling first, noise second), as {@link Federation} draws them.
     */
    public static DpFedAvgCoordinator create(DpFedAvg config, int clients, double sampleRate) {
        if (clients < 1) {
            throw BadInputException.of("clients must be >= 1, got %d", clients);
        }
        if (!(sampleRate > 0 && sampleRate <= 1)) {
            throw BadInputException.of("fraction-fit must be in (0, 1], got %s", sampleRate);
        }
        RandomGenerator sampling;
        RandomGenerator noise;
        if (config.insecureSeed().isPresent()) {
            SplittableRandom r = new SplittableRandom(config.insecureSeed().getAsLong());
            sampling = r.split();
            noise = r.split();
        } else {
            sampling = DpSgd.secureRandomness().generator();
            noise = DpSgd.secureRandomness().generator();
        }
        return new DpFedAvgCoordinator(config, clients, sampleRate,
                new DpState(config, clients, sampleRate, sampling, noise));
    }

    public DpFedAvg config() {
        return config;
    }

    /** The clients of the coming round among 0..N−1: each independently with probability q (ascending; maybe none). */
    public int[] sampleClients() {
        return state.sample();
    }

    /** C of the coming round (it moves between rounds with adaptive clipping). */
    public double l2NormClip() {
        return state.clip();
    }

    /** qN, the fixed denominator of the average. */
    public double expectedClients() {
        return state.expectedClients();
    }

    /** min(1, C/‖delta‖): the factor that clips {@code delta} to L2 norm {@code clip}. */
    public static double clipFactor(double[] delta, double clip) {
        return DpState.clipFactor(delta, clip);
    }

    /**
     * Turns Σ of the round's clipped deltas into the private average, in place: adds N(0, (z_Δ·C)²) per coordinate
     * and divides by qN; with adaptive clipping also releases the noisy unclipped count and moves C.
     *
     * @param sum       Σ clipped deltas (each client with weight 1); overwritten
     * @param unclipped how many of them had ‖Δ‖ ≤ C
     * @param selected  how many clients contributed
     */
    public void privatize(double[] sum, long unclipped, long selected) {
        state.finish(sum, unclipped, selected);
    }

    /**
     * The client-level guarantee after {@code rounds} rounds: the accountant's ε for the Poisson-subsampled Gaussian
     * mechanism (q, z, rounds, δ).
     *
     * @param notCovered what the guarantee does not cover in this deployment, beyond the defaults
     * @throws IllegalStateException when the accountant gives no finite ε (fail closed)
     */
    public PrivacyGuarantee guarantee(int rounds, List<String> notCovered) {
        DpFedAvg d = config;
        PrivacySpent spent = PrivacyAccountant.epsilon(d.accountant(), d.noiseMultiplier(), sampleRate, rounds,
                d.delta());
        if (!Double.isFinite(spent.epsilon())) {
            throw new IllegalStateException("DP-FedAvg accounting gave epsilon " + spent.epsilon() + " (noise "
                    + "multiplier " + d.noiseMultiplier() + ", sample rate " + sampleRate + ", rounds " + rounds
                    + ", delta " + d.delta() + ")");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("noise_multiplier", d.noiseMultiplier());
        params.put("update_noise_multiplier", state.updateNoiseMultiplier());
        params.put("l2_norm_clip", d.l2NormClip());
        params.put("clipping", d.adaptive().isPresent() ? "adaptive" : "fixed");
        d.adaptive().ifPresent(a -> {
            params.put("target_unclipped_quantile", a.targetQuantile());
            params.put("clip_learning_rate", a.learningRate());
            params.put("clipped_count_stddev", a.clippedCountStddev(state.expectedClients()));
            params.put("final_l2_norm_clip", state.clip());
        });
        params.put("sample_rate", sampleRate);
        params.put("expected_clients_per_round", state.expectedClients());
        params.put("rounds", (long) rounds);
        params.put("clients", (long) clients);
        spent.optimalOrder().ifPresent(o -> params.put("rdp_order", o));
        PrivacyGuarantee.Noise noise = d.insecureSeed().isPresent()
                ? new PrivacyGuarantee.Noise(false, "java.util.SplittableRandom, insecure seed "
                        + d.insecureSeed().getAsLong() + "; sampler ziggurat-256")
                : new PrivacyGuarantee.Noise(true, DpSgd.secureGeneratorDescription() + "; sampler ziggurat-256");
        List<String> covers = new ArrayList<>();
        covers.add("DP-FedAvg: every round's aggregate of client updates, each clipped to the round's L2 norm, "
                + "with Gaussian noise added by the server");
        if (d.adaptive().isPresent()) {
            covers.add("adaptive clipping: the noisy count of unclipped clients that moves the clipping norm");
        }
        covers.add("client selection: Poisson sampling, each client with probability " + sampleRate + " per round");
        return new PrivacyGuarantee(spent.epsilon(), d.delta(),
                d.accountant() == AccountantType.PLD ? PrivacyGuarantee.Accountant.PLD : PrivacyGuarantee.Accountant.RDP,
                PrivacyGuarantee.Unit.CLIENT, PrivacyGuarantee.Relation.ADD_REMOVE, PrivacyGuarantee.Sampling.POISSON,
                sampleRate, rounds, d.noiseMultiplier(), d.l2NormClip(), covers, List.copyOf(notCovered), noise,
                List.of(new PrivacyGuarantee.Component("dp-fedavg", spent.epsilon(), d.delta(), params)));
    }
}
