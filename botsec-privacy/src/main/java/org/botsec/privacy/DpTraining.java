package org.botsec.privacy;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.privacy.accountant.PrivacyAccountant;
import org.botsec.privacy.accountant.PrivacySpent;
import org.botsec.privacy.internal.PoissonSampler;
import org.botsec.privacy.internal.ShuffleSampler;

/**
 * The whole DP-SGD training loop: sample batches (Poisson by default), take private steps with {@link DpSgd},
 * account the privacy spent, and stop before a target ε would be exceeded. This is the bare loop: it states no
 * {@link org.botsec.core.prov.PrivacyGuarantee}; {@link PrivateTraining} (behind {@code botsec train --dp}) runs it
 * and states the guarantee, including preprocessing and composition with a DP vocabulary.
 *
 * <p><b>Privacy unit:</b> one example (one row of {@code x}); <b>neighbouring relation:</b> add or remove one
 * example; <b>sampling:</b> the accountants assume Poisson sampling with rate q = B/n, which is what
 * {@link Sampling#POISSON} does (a shuffle mode exists but its ε is labelled as not covered). <b>Budget:</b> with a
 * target ε the number of steps is cut, before training, to the largest T with ε(T) ≤ target, so the model returned
 * is the one after the last step within budget and {@link DpResult#stoppedByBudget()} says so. <b>Randomness:</b>
 * noise and sampling come from {@link java.security.SecureRandom} (DRBG) unless {@link DpSgdConfig.Builder#insecureSeed} was set.
 * <b>Thread-safety:</b> {@code train} is re-entrant, but mutates {@code model}; do not train one model from two
 * threads.
 */
public final class DpTraining {
    private DpTraining() {
    }

    /**
     * {@code model} as a {@link PerExampleGradients}, or a one-line {@link BadInputException} naming what was found
     * (for callers that hold a model of unknown capabilities, e.g. the CLI).
     */
    public static PerExampleGradients requirePerExampleGradients(Object model) {
        if (model instanceof PerExampleGradients p) {
            return p;
        }
        throw BadInputException.of("DP-SGD needs a model with per-example gradients for clipping; %s has none",
                model == null ? "null" : model.getClass().getSimpleName());
    }

    /**
     * Trains {@code model} in place with DP-SGD.
     *
     * @param model    a model that provides per-example (or per-group) gradients
     * @param x        training features, n × d
     * @param y        class index per row
     * @param config   DP-SGD configuration
     * @param listener progress callback (ε per epoch)
     * @return what was spent and how
     * @throws BadInputException when the data and configuration do not fit (batch larger than the data,
     *                           δ ≥ 1/n, labels and rows differ)
     */
    public static DpResult train(PerExampleGradients model, Matrix x, int[] y, DpSgdConfig config,
                                 DpProgressListener listener) {
        return train(model, x, y, config, config.targetEpsilon(), listener);
    }

    /**
     * The loop with DP-SGD's own share of the budget ({@link PrivateTraining} passes the total minus what the
     * preprocessing spent).
     */
    static DpResult train(PerExampleGradients model, Matrix x, int[] y, DpSgdConfig config, OptionalDouble sgdBudget,
                          DpProgressListener listener) {
        if (model == null) {
            throw BadInputException.of("DP-SGD needs a model with per-example gradients, got null");
        }
        int n = x.rows();
        if (y.length != n) {
            throw BadInputException.of("labels (%d) and rows (%d) differ", y.length, n);
        }
        if (n == 0) {
            throw BadInputException.of("training data is empty");
        }
        if (config.batchSize() > n) {
            throw BadInputException.of("batch size %d is larger than the data (%d examples)", config.batchSize(), n);
        }
        if (config.delta() >= 1.0 / n) {
            throw BadInputException.of("delta %s is >= 1/n = %s for %d examples: such a guarantee is meaningless; "
                    + "use a delta well below 1/n", config.delta(), 1.0 / n, n);
        }
        double q = (double) config.batchSize() / n;
        long planned = config.stepsFor(n);
        double accountingSigma = config.accountingNoiseMultiplier();
        long allowed = planned;
        if (sgdBudget.isPresent()) {
            allowed = PrivacyAccountant.maxSteps(config.accountant(), accountingSigma, q, config.delta(),
                    sgdBudget.getAsDouble(), planned);
        }

        OptionalLong seed = config.insecureSeed();
        RandomGenerator samplingRandom = seed.isPresent() ? new SplittableRandom(seed.getAsLong())
                : DpSgd.secureRandomness().generator();
        BatchSource batches = config.sampling() == Sampling.POISSON
                ? new PoissonSampler(n, q, samplingRandom)::next
                : new ShuffleSampler(n, config.batchSize(), samplingRandom)::next;

        DpSgd dpSgd = new DpSgd(config, model);
        PrivacyAccountant accountant = PrivacyAccountant.create(config.accountant());
        long stepsPerEpoch = Math.max(1, (n + config.batchSize() - 1) / config.batchSize());
        for (long t = 1; t <= allowed; t++) {
            int[] batch = batches.next();
            int[] yb = new int[batch.length];
            for (int i = 0; i < batch.length; i++) {
                yb[i] = y[batch[i]];
            }
            dpSgd.apply(x.selectRows(batch), yb);
            accountant.step(accountingSigma, q, 1);
            listener.onStep(t, allowed);
            if (t % stepsPerEpoch == 0 || t == allowed) {
                listener.onEpoch((t + stepsPerEpoch - 1) / stepsPerEpoch, accountant.getPrivacySpent(config.delta()));
            }
        }
        PrivacySpent spent = accountant.getPrivacySpent(config.delta());
        return new DpResult(spent, q, planned, allowed, config.l2NormClip(), config.noiseMultiplier(),
                accountingSigma, config.perExampleClipping() ? OptionalInt.empty() : config.numMicrobatches(),
                config.sampling(), config.optimizer(), sgdBudget.orElse(Double.NaN), allowed < planned, seed,
                dpSgd.noise());
    }

    @FunctionalInterface
    private interface BatchSource {
        int[] next();
    }
}
