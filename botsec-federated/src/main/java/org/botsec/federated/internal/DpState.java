package org.botsec.federated.internal;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.botsec.federated.DpFedAvg;
import org.botsec.privacy.internal.GaussianNoise;

/**
 * The server side of DP-FedAvg for one run (McMahan et al. 2018; adaptive clipping of Andrew et al. 2021): Poisson
 * client sampling, the current clipping norm, the noise on the clipped sum and the noisy clip count. The noise
 * sampler is botsec-privacy's (the one Gaussian sampler of the project). Not thread-safe: the coordinator calls it
 * between rounds; clients only read {@link #clip()} through the value passed to them.
 */
public final class DpState {
    private final DpFedAvg config;
    private final int clients;
    private final double sampleRate;
    private final double expectedClients;
    private final double updateNoiseMultiplier;
    private final RandomGenerator sampling;
    private final GaussianNoise noise;
    private double clip;

    /**
     * @param config     the DP settings
     * @param clients    N
     * @param sampleRate q (each client joins a round with probability q)
     * @param sampling   generator of the client selection (secure unless the config has an insecure seed)
     * @param noise      generator of the noise (secure unless the config has an insecure seed)
     */
    public DpState(DpFedAvg config, int clients, double sampleRate, RandomGenerator sampling, RandomGenerator noise) {
        this.config = config;
        this.clients = clients;
        this.sampleRate = sampleRate;
        this.expectedClients = sampleRate * clients;
        this.updateNoiseMultiplier = config.updateNoiseMultiplier(expectedClients);
        this.sampling = sampling;
        this.noise = new GaussianNoise(noise);
        this.clip = config.l2NormClip();
    }

    /** The clipping norm of the coming round. */
    public double clip() {
        return clip;
    }

    /** qN, the fixed denominator of the average. */
    public double expectedClients() {
        return expectedClients;
    }

    /** z_Δ, the multiplier of the noise on the clipped sum. */
    public double updateNoiseMultiplier() {
        return updateNoiseMultiplier;
    }

    /** The clients of a round: each independently with probability q (ascending; possibly none). */
    public int[] sample() {
        int[] out = new int[clients];
        int n = 0;
        for (int c = 0; c < clients; c++) {
            if (sampling.nextDouble() < sampleRate) {
                out[n++] = c;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** min(1, C/‖d‖): the factor that clips {@code d} to the current norm. */
    public static double clipFactor(double[] d, double clip) {
        double s = 0;
        for (double v : d) {
            s += v * v;
        }
        double norm = Math.sqrt(s);
        return norm > clip ? clip / norm : 1.0;
    }

    /**
     * Turns the sum of clipped deltas into the private average (in place): adds N(0, (z_Δ C)²) per coordinate and
     * divides by qN; then, with adaptive clipping, releases the noisy unclipped count and moves C.
     *
     * @param sum       Σ clipped deltas of the round's clients (overwritten with the private average)
     * @param unclipped how many of them were not clipped (‖Δ‖ ≤ C)
     * @param selected  how many clients took part
     */
    public void finish(double[] sum, long unclipped, long selected) {
        noise.add(sum, updateNoiseMultiplier * clip);
        for (int j = 0; j < sum.length; j++) {
            sum[j] /= expectedClients;
        }
        if (config.adaptive().isPresent()) {
            DpFedAvg.AdaptiveClipping a = config.adaptive().get();
            // centred bits b − ½ have sensitivity ½ under add/remove (Andrew et al. 2021, Algorithm 1)
            double[] count = {unclipped - 0.5 * selected};
            noise.add(count, a.clippedCountStddev(expectedClients));
            double unclippedFraction = count[0] / expectedClients + 0.5;
            clip *= Math.exp(-a.learningRate() * (unclippedFraction - a.targetQuantile()));
        }
    }
}
