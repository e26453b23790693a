package org.botsec.attack.evasion;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.prov.Provenance;
import org.botsec.core.train.Optimizer;

/**
 * PGD adversarial training (Madry et al., "Towards Deep Learning Models Resistant to Adversarial Attacks", ICLR
 * 2018): each minibatch is replaced by adversarial examples that the given attack crafts against the current model,
 * and the model takes an ordinary step on the cross-entropy of those (the saddle-point objective min_θ E max_δ
 * loss). With {@code cleanFraction} f &gt; 0 the loss is f·clean + (1 − f)·adversarial (Goodfellow et al. 2015's
 * mixed objective). The attack's ε, norm, steps and value range are the defence's threat model; measure its gain by
 * running the same attack on held-out data before and after. Shuffling uses a seeded {@link SplittableRandom}
 * recorded in the model's provenance. Not thread-safe (the optimiser keeps state).
 */
public final class AdversarialTraining {
    /** Trainer name recorded in the model's provenance. */
    public static final String TRAINER = "botsec/adversarial-pgd";

    private final GradientAttack attack;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final double cleanFraction;
    private final long seed;

    /**
     * @param attack        crafts each batch's adversarial examples (usually PGD with a random start)
     * @param optimizer     the step rule (e.g. Adam)
     * @param epochs        passes over the data, ≥ 1
     * @param batchSize     rows per step, ≥ 1
     * @param cleanFraction weight of the clean loss in [0, 1) (0: adversarial loss only, as Madry et al.)
     * @param seed          seed of the shuffling
     */
    public AdversarialTraining(GradientAttack attack, Optimizer optimizer, int epochs, int batchSize,
            double cleanFraction, long seed) {
        this.attack = Objects.requireNonNull(attack, "attack");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        if (epochs < 1 || epochs > 100_000) {
            throw BadInputException.of("epochs must be from 1 to 100000, got %d", epochs);
        }
        if (batchSize < 1) {
            throw BadInputException.of("batch size must be >= 1, got %d", batchSize);
        }
        if (!(cleanFraction >= 0 && cleanFraction < 1)) {
            throw BadInputException.of("clean fraction must be in [0, 1), got %s", cleanFraction);
        }
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.cleanFraction = cleanFraction;
        this.seed = seed;
    }

    /** Trains a copy of {@code initial} on {@code data}; the model's class indices are the data's. */
    public Mlp fit(Mlp initial, Dataset data) {
        if (data.numFeatures() != initial.numFeatures()) {
            throw BadInputException.of("data has %d features, the model expects %d", data.numFeatures(),
                    initial.numFeatures());
        }
        if (!data.classNames().equals(initial.classNames())) {
            throw BadInputException.of("data classes %s differ from the model's classes %s", data.classNames(),
                    initial.classNames());
        }
        int n = data.size();
        if (n == 0) {
            throw BadInputException.of("training data is empty");
        }
        attack.valueRange().check(data.x(), "training data");
        Mlp model = initial.withProvenance(null);
        int d = data.numFeatures();
        double[] params = new double[model.numParameters()];
        double[] grad = new double[params.length];
        double[] cleanGrad = new double[params.length];
        model.getParameters(params);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = data.x().data();
        int[] y = data.y();
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from < n; from += batchSize) {
                int size = Math.min(batchSize, n - from);
                Matrix batch = new Matrix(size, d);
                int[] labels = new int[size];
                for (int i = 0; i < size; i++) {
                    System.arraycopy(x, order[from + i] * d, batch.data(), i * d, d);
                    labels[i] = y[order[from + i]];
                }
                Matrix adv = attack.generate(model, batch, labels);
                double loss = model.meanLossGradient(adv, labels, grad);
                if (cleanFraction > 0) {
                    loss = (1 - cleanFraction) * loss + cleanFraction * model.meanLossGradient(batch, labels,
                            cleanGrad);
                    for (int k = 0; k < grad.length; k++) {
                        grad[k] = (1 - cleanFraction) * grad[k] + cleanFraction * cleanGrad[k];
                    }
                }
                if (!Double.isFinite(loss)) {
                    throw BadInputException.of("adversarial training diverged at epoch %d (loss %s); try a smaller "
                            + "learning rate", epoch + 1, loss);
                }
                optimizer.step(params, grad);
                model.setParameters(params);
            }
        }
        Map<String, Object> p = new LinkedHashMap<>(attack.settings());
        p.put("epochs", epochs);
        p.put("batch_size", batchSize);
        p.put("clean_fraction", cleanFraction);
        p.put("optimizer", optimizer.toString());
        return model.withProvenance(Provenance.of(TRAINER, p, data.sha256(), seed));
    }
}
