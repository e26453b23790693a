package org.botsec.privacy;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Optimizer;
import org.botsec.core.train.Sgd;
import org.botsec.privacy.internal.GaussianNoise;
import org.botsec.privacy.internal.SecureSources;

/**
 * One DP-SGD step on a batch (Abadi et al., "Deep Learning with Differential Privacy", CCS 2016, Algorithm 1),
 * for any {@link PerExampleGradients} model, leaving the training loop to the caller — or use
 * {@link DpTraining#train} for the whole loop with sampling and accounting.
 *
 * <p><b>What a step computes.</b> With per-example clipping, each example's loss gradient gᵢ is scaled to
 * ḡᵢ = gᵢ · min(1, C/‖gᵢ‖₂); the private gradient is g̃ = (Σᵢ ḡᵢ + N(0, σ²C²·I)) / B, where B is the
 * <em>expected</em> batch size (qn) under Poisson sampling — dividing by the expected rather than the realised
 * batch size keeps the sensitivity of the whole expression at C/B. With M microbatches (TF Privacy's
 * num_microbatches), every example of the batch is put into one of M groups <em>independently and uniformly at
 * random</em>, each group's mean gradient is clipped to C (an empty group contributes 0), and
 * g̃ = (Σ_g clipped mean_g + N(0, σ²C²·I)) / M. Clipping uses the model's group norms and one weighted backward
 * pass (ghost clipping: no per-example gradient is materialised when the model supports it; models such as
 * core's MLP fuse both into one forward and one backward pass, see
 * {@link PerExampleGradients#clippedGradientSum}). The optimiser (SGD, momentum, Adam) is then applied to g̃.
 *
 * <p><b>Privacy unit and relation.</b> One example; neighbouring data sets differ by adding or removing one
 * example. The sum of clipped per-example gradients has L2 sensitivity C. With microbatches it is 2C (see
 * {@link DpSgdConfig#accountingNoiseMultiplier()}), and that needs the random assignment: couple the two
 * neighbouring runs so that every example present in both draws the same group in both (possible because each
 * example's group is drawn independently of the others and of the batch's size and order). Then adding or removing
 * one example changes the membership of exactly one group, so exactly one clipped mean changes, from one vector of
 * norm ≤ C to another: the sum moves by at most 2C. The earlier rule "example i of the batch goes to group i mod M"
 * has no such coupling under Poisson sampling: inserting one example shifts the group of every later example, so
 * up to M clipped means change and the sensitivity is up to M·C, not 2C. Only the aggregate g̃ is private;
 * anything else computed from the batch (e.g. a loss printed for monitoring) is not.
 *
 * <p><b>Noise.</b> From a secure generator ({@link #secureRandomness()}) unless the configuration asks for
 * {@link DpSgdConfig.Builder#insecureSeed(long)}, the one explicit, loudly named way to seed it; {@link #noise()}
 * says which, for the {@link PrivacyGuarantee}. For models with at least {@value #PARALLEL_NOISE_MIN} parameters the noise vector is drawn in
 * {@value #NOISE_PARTS} fixed contiguous parts, each from its own generator, on the common fork-join pool (the
 * cores are idle between the clipped sum's matrix products and the update). Part k always uses generator k, so a
 * seeded run replays exactly whatever the number of cores: the seeded generator is split deterministically into
 * the parts' generators; a secure generator is joined by further instances of the same algorithm and provider.
 *
 * <p><b>Thread-safety.</b> Not thread-safe: one instance per training run (it owns optimiser state, the noise
 * generators and buffers).
 */
public final class DpSgd {
    /** Parts of the noise vector drawn in parallel for large models; a constant, so that seeded runs replay. */
    static final int NOISE_PARTS = 4;
    /** Models with fewer parameters draw their noise in one part, on the calling thread. */
    static final int PARALLEL_NOISE_MIN = 1 << 16;

    /** The normal sampler, as recorded with the noise source. */
    static final String SAMPLER = "ziggurat-256, 53-bit";
    /** Mixed into an insecure seed for the noise (the sampler uses the seed itself), as the training loop did. */
    static final long NOISE_SEED_MIX = 0x9E3779B97F4A7C15L;
    private static final long ASSIGNMENT_SEED_MIX = 0xD1B54A32D192ED03L;

    private final DpSgdConfig config;
    private final PrivacyGuarantee.Noise noiseSource;
    /** Draws each example's microbatch (only used with microbatches). */
    private final RandomGenerator assignment;
    private final PerExampleGradients model;
    private final Optimizer optimizer;
    /** One sampler per part of the parameter vector (see {@link #NOISE_PARTS}), each with its own generator. */
    private final GaussianNoise[] noise;
    private final double[] params;
    private final double[] gradient;

    /**
     * A secure source for DP noise and sampling: Conscrypt's generator (BoringSSL's CTR-DRBG, AES-NI) where its
     * native library loads, else the JDK's {@code DRBG} (NIST SP 800-90A Hash_DRBG); see
     * {@link org.botsec.privacy.internal.SecureSources} for the choice and the {@code botsec.dp.generator} property.
     * Each call returns an independent generator.
     */
    public static Randomness secureRandomness() {
        return new Randomness(SecureSources.newSecureRandom(), OptionalLong.empty());
    }

    /** Which generator {@link #secureRandomness()} uses in this JVM (recorded in provenance). */
    public static String secureGeneratorDescription() {
        return SecureSources.description();
    }

    /**
     * A DP-SGD stepper for {@code model}. Noise and the microbatch assignment come from a secure generator, or —
     * only when {@code config} was built with {@link DpSgdConfig.Builder#insecureSeed(long)} — from generators
     * seeded with that seed (replayable, NOT private).
     */
    public DpSgd(DpSgdConfig config, PerExampleGradients model) {
        this(config, model, noiseRandomness(config));
    }

    /** For the training loop, which owns the choice of generator; refuses a seeded source the config did not ask for. */
    DpSgd(DpSgdConfig config, PerExampleGradients model, Randomness randomness) {
        if (!randomness.isSecure() && config.insecureSeed().isEmpty()) {
            throw new IllegalArgumentException("seeded DP noise needs DpSgdConfig.Builder.insecureSeed(...)");
        }
        this.config = config;
        this.noiseSource = config.insecureSeed().isPresent()
                ? new PrivacyGuarantee.Noise(false, "java.util.SplittableRandom, insecure seed "
                        + config.insecureSeed().getAsLong() + "; sampler " + SAMPLER)
                : new PrivacyGuarantee.Noise(true, secureGeneratorDescription() + "; sampler " + SAMPLER);
        this.assignment = config.insecureSeed().isPresent()
                ? new SplittableRandom(config.insecureSeed().getAsLong() ^ ASSIGNMENT_SEED_MIX)
                : SecureSources.newSecureRandom();
        this.model = model;
        this.optimizer = switch (config.optimizer()) {
            case SGD -> Sgd.builder().learningRate(config.learningRate()).build();
            case MOMENTUM -> Sgd.builder().learningRate(config.learningRate()).momentum(config.momentum()).build();
            case ADAM -> Adam.builder().learningRate(config.learningRate()).beta1(config.beta1())
                    .beta2(config.beta2()).epsilon(config.adamEpsilon()).build();
        };
        this.noise = noiseParts(randomness, model.numParameters());
        this.params = new double[model.numParameters()];
        this.gradient = new double[model.numParameters()];
    }

    /** Where this stepper's noise comes from (secure, or seeded and then not private). */
    public PrivacyGuarantee.Noise noise() {
        return noiseSource;
    }

    static Randomness noiseRandomness(DpSgdConfig config) {
        return config.insecureSeed().isPresent()
                ? Randomness.replayable(config.insecureSeed().getAsLong() ^ NOISE_SEED_MIX)
                : secureRandomness();
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
        apply(x, labels);
        return gradient.clone();
    }

    /** {@link #step} without the copy of g̃ (for the training loop). */
    void apply(Matrix x, int[] labels) {
        clippedSum(x, labels, gradient);
        double scale = config.noiseMultiplier() * config.l2NormClip();
        double denominator = config.perExampleClipping() ? config.batchSize()
                : config.numMicrobatches().getAsInt();
        int parts = noise.length;
        int n = gradient.length;
        if (parts == 1) {
            noiseAndNormalise(0, 0, n, scale, denominator);
        } else {
            IntStream.range(0, parts).parallel().forEach(k ->
                    noiseAndNormalise(k, (int) ((long) k * n / parts), (int) ((long) (k + 1) * n / parts), scale,
                            denominator));
        }
        model.getParameters(params);
        optimizer.step(params, gradient);
        model.setParameters(params);
    }

    /** Part k of the gradient: adds its noise (from generator k) and divides by the denominator. */
    private void noiseAndNormalise(int k, int from, int to, double scale, double denominator) {
        if (scale > 0) {
            noise[k].add(gradient, from, to, scale);
        }
        for (int i = from; i < to; i++) {
            gradient[i] /= denominator;
        }
    }

    private static GaussianNoise[] noiseParts(Randomness randomness, int numParameters) {
        RandomGenerator g = randomness.generator();
        int parts = numParameters >= PARALLEL_NOISE_MIN ? NOISE_PARTS : 1;
        GaussianNoise[] out = new GaussianNoise[parts];
        out[0] = new GaussianNoise(g);
        if (parts == 1) {
            return out;
        }
        for (int k = 1; k < parts; k++) {
            RandomGenerator gk;
            if (g instanceof SecureRandom sr) {
                try {
                    gk = SecureRandom.getInstance(sr.getAlgorithm(), sr.getProvider());
                } catch (NoSuchAlgorithmException e) {
                    gk = SecureSources.newSecureRandom();
                }
            } else if (g instanceof RandomGenerator.SplittableGenerator sg) {
                gk = sg.split();
            } else {
                return new GaussianNoise[] {out[0]}; // a generator we cannot multiply: one part
            }
            out[k] = new GaussianNoise(gk);
        }
        return out;
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
            // each example draws its microbatch on its own, uniformly: this is what makes the sensitivity 2C
            // (see the class comment); "i mod M" would tie an example's group to how many examples precede it
            numGroups = config.numMicrobatches().getAsInt();
            for (int i = 0; i < b; i++) {
                groups[i] = assignment.nextInt(numGroups);
            }
        }
        model.clippedGradientSum(x, labels, groups, numGroups, config.l2NormClip(), out);
    }
}
