package org.botsec.privacy;

import java.util.Arrays;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Optimizer;
import org.botsec.core.train.Sgd;
import org.botsec.privacy.internal.GaussianNoise;

/**
 * One DP-SGD step on a batch (Abadi et al., "Deep Learning with Differential Privacy", CCS 2016, Algorithm 1),
 * for any {@link PerExampleGradients} model, leaving the training loop to the caller — or use
 * {@link DpTraining#train} for the whole loop with sampling and accounting.
 *
 * <p><b>What a step computes.</b> With per-example clipping, each example's loss gradient gᵢ is scaled to
 * ḡᵢ = gᵢ · min(1, C/‖gᵢ‖₂); the private gradient is g̃ = (Σᵢ ḡᵢ + N(0, σ²C²·I)) / B, where B is the
 * <em>expected</em> batch size (qn) under Poisson sampling — dividing by the expected rather than the realised
 * batch size keeps the sensitivity of the whole expression at C/B. With M microbatches (TF Privacy's
 * num_microbatches), the batch is split into M groups, each group's mean gradient is clipped to C, and
 * g̃ = (Σ_g clipped mean_g + N(0, σ²C²·I)) / M. Clipping uses the model's group norms and one weighted backward
 * pass (ghost clipping: no per-example gradient is materialised when the model supports it; models such as
 * core's MLP fuse both into one forward and one backward pass, see
 * {@link PerExampleGradients#clippedGradientSum}). The optimiser (SGD, momentum, Adam) is then applied to g̃.
 *
 * <p><b>Privacy unit and relation.</b> One example; neighbouring data sets differ by adding or removing one
 * example. The sum of clipped per-example gradients has L2 sensitivity C; with microbatches of more than one
 * example it is 2C (see {@link DpSgdConfig#accountingNoiseMultiplier()}). Only the aggregate g̃ is private;
 * anything else computed from the batch (e.g. a loss printed for monitoring) is not.
 *
 * <p><b>Thread-safety.</b> Not thread-safe: one instance per training run (it owns optimiser state, the noise
 * generator and buffers).
 */
public final class DpSgd {
    private final DpSgdConfig config;
    private final PerExampleGradients model;
    private final Optimizer optimizer;
    private final GaussianNoise noise;
    private final double[] params;
    private final double[] gradient;

    /**
     * A secure source for DP noise: the JDK's {@code DRBG} SecureRandom (NIST SP 800-90A Hash_DRBG, seeded from
     * the operating system), about 6× faster in bulk than the default {@code NativePRNG} on Linux; falls back to
     * {@code new SecureRandom()} where DRBG is unavailable.
     */
    public static Randomness secureRandomness() {
        java.security.SecureRandom random;
        try {
            random = java.security.SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            random = new java.security.SecureRandom();
        }
        return new Randomness(random, java.util.OptionalLong.empty());
    }

    /**
     * A DP-SGD stepper for {@code model} drawing noise from {@code randomness} (use {@link #secureRandomness()}
     * unless you are replaying a run for testing).
     */
    public DpSgd(DpSgdConfig config, PerExampleGradients model, Randomness randomness) {
        this.config = config;
        this.model = model;
        this.optimizer = switch (config.optimizer()) {
            case SGD -> Sgd.builder().learningRate(config.learningRate()).build();
            case MOMENTUM -> Sgd.builder().learningRate(config.learningRate()).momentum(config.momentum()).build();
            case ADAM -> Adam.builder().learningRate(config.learningRate()).beta1(config.beta1())
                    .beta2(config.beta2()).epsilon(config.adamEpsilon()).build();
        };
        this.noise = new GaussianNoise(randomness.generator());
        this.params = new double[model.numParameters()];
        this.gradient = new double[model.numParameters()];
    }

    /**
     * One private step on the batch {@code (x, labels)}: clip, sum, add noise, normalise, update the model's
     * parameters.
     *
     * @param x      the batch's feature rows (may have 0 rows: the update is then noise only)
     * @param labels the batch's labels
     * @return the private gradient g̃ that was applied (a copy)
     */
    public double[] step(Matrix x, int[] labels) {
        clippedSum(x, labels, gradient);
        double sigma = config.noiseMultiplier();
        if (sigma > 0) {
            noise.add(gradient, sigma * config.l2NormClip());
        }
        double denominator = config.perExampleClipping() ? config.batchSize()
                : config.numMicrobatches().getAsInt();
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] /= denominator;
        }
        model.getParameters(params);
        optimizer.step(params, gradient);
        model.setParameters(params);
        return gradient.clone();
    }

    /**
     * Writes Σ clipped contributions (per example, or per microbatch mean) into {@code out}, without noise.
     * Each contribution has L2 norm at most C.
     */
    void clippedSum(Matrix x, int[] labels, double[] out) {
        int b = labels.length;
        if (b == 0) {
            Arrays.fill(out, 0.0);
            return;
        }
        int numGroups;
        int[] groups = new int[b];
        if (config.perExampleClipping()) {
            numGroups = b;
            for (int i = 0; i < b; i++) {
                groups[i] = i;
            }
        } else {
            // microbatches: example i of the (randomly ordered) batch goes to group i mod M
            numGroups = config.numMicrobatches().getAsInt();
            for (int i = 0; i < b; i++) {
                groups[i] = i % numGroups;
            }
        }
        model.clippedGradientSum(x, labels, groups, numGroups, config.l2NormClip(), out);
    }
}
