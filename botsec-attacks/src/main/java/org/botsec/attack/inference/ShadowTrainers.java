package org.botsec.attack.inference;

import java.util.List;
import java.util.Map;
import org.botsec.attack.QueryCounter;
import org.botsec.core.BadInputException;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.Mlp;
import org.botsec.core.prov.Provenance;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;

/** Ready-made {@link ShadowTrainer}s built on botsec-core's trainers. */
public final class ShadowTrainers {
    /** Epochs for an MLP shadow when the target's provenance does not say. */
    public static final int DEFAULT_MLP_EPOCHS = 50;
    /** Adam learning rate for an MLP shadow when the target's provenance does not say. */
    public static final double DEFAULT_MLP_LEARNING_RATE = 1e-3;

    private ShadowTrainers() {
    }

    /** L2-regularised logistic (softmax) regression by L-BFGS, with inverse regularisation strength {@code c}. */
    public static ShadowTrainer logisticRegression(double c, boolean standardize) {
        LogisticRegression lr = LogisticRegression.builder().c(c).standardize(standardize).build();
        return (data, seed) -> lr.fit(data);
    }

    /** An MLP with the given layer sizes (input, hidden..., classes), trained by Adam on mini-batches. */
    public static ShadowTrainer mlp(int[] layerSizes, int epochs, int batchSize, double learningRate) {
        int[] sizes = layerSizes.clone();
        return (data, seed) -> {
            Randomness r = Randomness.replayable(seed);
            Mlp init = Mlp.create(sizes, data.featureNames(), data.classNames(), r);
            Trainer t = Trainer.builder().optimizer(Adam.builder().learningRate(learningRate).build())
                    .epochs(epochs).batchSize(batchSize).randomness(r).build();
            return t.fit(init, data);
        };
    }

    /**
     * A trainer for models like {@code target}: logistic regression with the target's C and standardisation, or an
     * MLP with its layer sizes and (when its provenance records them) its epochs, batch size and learning rate.
     *
     * @throws BadInputException for a model type shadows cannot be trained for
     */
    public static ShadowTrainer like(Classifier counted) {
        Object target = QueryCounter.unwrap(counted); // the model's type, also through a counting wrapper
        if (target instanceof LinearModel lm) {
            Map<String, Object> p = lm.provenance().map(Provenance::parameters).orElse(Map.of());
            double c = number(p, "c", 1.0);
            return logisticRegression(c, lm.scaler().isPresent());
        }
        if (target instanceof Mlp mlp) {
            Map<String, Object> p = mlp.provenance().map(Provenance::parameters).orElse(Map.of());
            int epochs = (int) number(p, "epochs", DEFAULT_MLP_EPOCHS);
            int batch = (int) number(p, "batch_size", 32);
            double lr = number(p, "learning_rate", DEFAULT_MLP_LEARNING_RATE);
            return mlp(mlp.layerSizes(), Math.max(1, epochs), Math.max(1, batch), lr);
        }
        throw BadInputException.of("shadow models can be trained for logistic regression and MLP models, not %s",
                target.getClass().getSimpleName());
    }

    /** The shadow trainer's settings as read from {@code target}, for reports. */
    static String describe(Classifier counted) {
        Object target = QueryCounter.unwrap(counted);
        if (target instanceof LinearModel) {
            return "logistic_regression";
        }
        if (target instanceof Mlp m) {
            return "mlp" + List.of(java.util.Arrays.stream(m.layerSizes()).boxed().toArray());
        }
        return target.getClass().getSimpleName();
    }

    private static double number(Map<String, Object> p, String key, double fallback) {
        Object v = p.get(key);
        return v instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : fallback;
    }
}
