package org.botsec.core.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.prov.Provenance;
import org.botsec.core.rand.Randomness;

/**
 * Ordinary (non-private) minibatch training of an {@link Mlp} on the mean cross-entropy: each epoch shuffles the
 * rows with the given randomness, cuts them into batches of {@code batchSize} (the last one may be smaller),
 * and takes one optimiser step per batch on the batch-mean gradient. For private training use DP-SGD from
 * {@code botsec-privacy} instead.
 *
 * <p>The trained model is a copy; the model passed to {@link #fit} is left unchanged. It carries a
 * {@link Provenance} with trainer {@code mlp/sgd} or {@code mlp/adam}, every hyper-parameter, the data's SHA-256
 * and the seed (null when the randomness was secure, i.e. not replayable). The optimiser's state (velocity,
 * Adam moments) starts fresh on every {@code fit} for {@link Sgd} and {@link Adam}.
 *
 * <p>A trainer is not thread-safe: it drives one stateful optimiser.
 */
public final class Trainer {
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final Randomness randomness;
    private final TrainingListener listener;
    private final LearningRateSchedule schedule;
    private final boolean standardize;

    private Trainer(Builder b) {
        this.standardize = b.standardize;
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.randomness = b.randomness;
        this.listener = b.listener;
        this.schedule = b.schedule;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Steps per epoch for {@code n} rows: ceil(n / batchSize). */
    public int stepsPerEpoch(int n) {
        return (n + batchSize - 1) / batchSize;
    }

    /** Whether {@link #fit} fits a standardiser on the training rows (see {@link Builder#standardize}). */
    public boolean standardize() {
        return standardize;
    }

    /**
     * Trains a copy of {@code initial} on {@code data}. With {@link Builder#standardize standardize(true)} and an
     * initial model without a standardiser, a {@link Standardizer} is fitted on {@code data}'s rows, the network
     * is trained on the standardised rows and the returned model carries the standardiser, so it takes raw inputs.
     *
     * @throws BadInputException when the data does not fit the model (features, classes) or training diverges
     */
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
        if (optimizer instanceof Sgd sgd) {
            sgd.reset();
        } else if (optimizer instanceof Adam adam) {
            adam.reset();
        }
        Mlp model = initial.withProvenance(null);
        Standardizer fitted = null;
        if (standardize && initial.scaler().isEmpty()) {
            // Standardise the rows once here rather than every batch inside the model; the scaler is attached after.
            fitted = Standardizer.fit(data.x());
            data = fitted.transform(data);
        }
        int d = data.numFeatures();
        double[] params = new double[model.numParameters()];
        double[] grad = new double[model.numParameters()];
        model.getParameters(params);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int steps = stepsPerEpoch(n);
        int totalSteps = Math.multiplyExact(steps, epochs);
        int rest = n % batchSize;
        Matrix fullBatch = new Matrix(Math.min(batchSize, n), d);
        int[] fullLabels = new int[fullBatch.rows()];
        Matrix lastBatch = rest == 0 ? fullBatch : new Matrix(rest, d);
        int[] lastLabels = rest == 0 ? fullLabels : new int[rest];
        double[] x = data.x().data();
        int[] y = data.y();
        RandomGenerator rng = randomness.generator();
        int step = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            shuffle(order, rng);
            double epochLoss = 0;
            for (int s = 0; s < steps; s++) {
                int from = s * batchSize;
                int size = Math.min(batchSize, n - from);
                Matrix batch = size == fullBatch.rows() ? fullBatch : lastBatch;
                int[] labels = size == fullBatch.rows() ? fullLabels : lastLabels;
                double[] bx = batch.data();
                for (int i = 0; i < size; i++) {
                    int row = order[from + i];
                    System.arraycopy(x, row * d, bx, i * d, d);
                    labels[i] = y[row];
                }
                double loss = model.meanLossGradient(batch, labels, grad);
                if (!Double.isFinite(loss)) {
                    throw BadInputException.of("training diverged at epoch %d, step %d (loss %s); "
                            + "try a smaller learning rate than the optimiser's (%s)", epoch, step + 1, loss, optimizer);
                }
                setLearningRateFactor(schedule.factor(step, totalSteps));
                optimizer.step(params, grad);
                model.setParameters(params);
                epochLoss += loss * size;
                step++;
                listener.onStep(epoch, step, totalSteps, loss);
            }
            listener.onEpochEnd(epoch, epochLoss / n);
        }
        Mlp trained = fitted == null ? model : model.withScaler(Optional.of(fitted));
        return trained.withProvenance(Provenance.of(trainerName(), parameters(trained), data.sha256(),
                randomness.seed().isPresent() ? randomness.seed().getAsLong() : null));
    }

    private void setLearningRateFactor(double factor) {
        if (optimizer instanceof Sgd sgd) {
            sgd.learningRateFactor(factor);
        } else if (optimizer instanceof Adam adam) {
            adam.learningRateFactor(factor);
        }
    }

    private static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private String trainerName() {
        return "mlp/" + optimizerName();
    }

    private String optimizerName() {
        if (optimizer instanceof Sgd) {
            return "sgd";
        }
        if (optimizer instanceof Adam) {
            return "adam";
        }
        return optimizer.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private Map<String, Object> parameters(Mlp model) {
        Map<String, Object> p = new LinkedHashMap<>();
        List<Integer> sizes = new ArrayList<>();
        for (int s : model.layerSizes()) {
            sizes.add(s);
        }
        p.put("layer_sizes", sizes);
        p.put("activation", Mlp.ACTIVATION);
        p.put("optimizer", optimizerName());
        if (optimizer instanceof Sgd sgd) {
            p.put("learning_rate", sgd.learningRate());
            p.put("momentum", sgd.momentum());
            p.put("nesterov", sgd.nesterov());
        } else if (optimizer instanceof Adam adam) {
            p.put("learning_rate", adam.learningRate());
            p.put("beta1", adam.beta1());
            p.put("beta2", adam.beta2());
            p.put("epsilon", adam.epsilon());
            p.put("weight_decay", adam.weightDecay());
        } else {
            p.put("optimizer_description", optimizer.toString());
        }
        p.put("epochs", epochs);
        p.put("batch_size", batchSize);
        p.put("learning_rate_schedule", schedule.name().toLowerCase(java.util.Locale.ROOT));
        p.put("loss", "cross_entropy");
        p.put("standardize", model.scaler().isPresent());
        return p;
    }

    /** Builder for {@link Trainer}; each setting may be made once. */
    public static final class Builder {
        private Optimizer optimizer;
        private int epochs = 1;
        private int batchSize = 32;
        private Randomness randomness;
        private TrainingListener listener = TrainingListener.NONE;
        private LearningRateSchedule schedule = LearningRateSchedule.CONSTANT;
        private boolean standardize;
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder() {
        }

        private void once(String name) {
            if (!set.add(name)) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /** The optimiser (required), e.g. {@code Adam.builder().build()}. */
        public Builder optimizer(Optimizer optimizer) {
            once("optimizer");
            if (optimizer == null) {
                throw new IllegalArgumentException("optimizer must not be null");
            }
            this.optimizer = optimizer;
            return this;
        }

        /** Passes over the data, &gt;= 1; default 1. */
        public Builder epochs(int epochs) {
            once("epochs");
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Rows per step, &gt;= 1; default 32. */
        public Builder batchSize(int batchSize) {
            once("batchSize");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Source for shuffling; default {@link Randomness#secure()} (not replayable). Pass
         * {@link Randomness#replayable(long)} to be able to repeat a run; its seed goes into the provenance.
         */
        public Builder randomness(Randomness randomness) {
            once("randomness");
            if (randomness == null) {
                throw new IllegalArgumentException("randomness must not be null");
            }
            this.randomness = randomness;
            return this;
        }

        /** Progress callback; default none. */
        public Builder listener(TrainingListener listener) {
            once("listener");
            if (listener == null) {
                throw new IllegalArgumentException("listener must not be null");
            }
            this.listener = listener;
            return this;
        }

        /**
         * How the learning rate changes over the run; default {@link LearningRateSchedule#CONSTANT}. Schedules
         * other than CONSTANT need an {@link Sgd} or {@link Adam} optimiser.
         */
        public Builder learningRateSchedule(LearningRateSchedule schedule) {
            once("learningRateSchedule");
            if (schedule == null) {
                throw new IllegalArgumentException("learningRateSchedule must not be null");
            }
            this.schedule = schedule;
            return this;
        }

        /**
         * Whether to fit a standardiser {@code (x − mean) / scale} on the training rows and put it in front of
         * the network (default false, as {@link org.botsec.core.model.LogisticRegression.Builder#standardize};
         * {@code botsec train} turns it on). Raw tabular features on different scales (credit amounts next to
         * ages) otherwise saturate the first layer. Ignored when the initial model already has one.
         */
        public Builder standardize(boolean value) {
            once("standardize");
            this.standardize = value;
            return this;
        }

        public Trainer build() {
            if (optimizer == null) {
                throw new IllegalStateException("optimizer must be set");
            }
            if (schedule != LearningRateSchedule.CONSTANT && !(optimizer instanceof Sgd || optimizer instanceof Adam)) {
                throw new IllegalStateException("learningRateSchedule " + schedule + " needs an Sgd or Adam optimizer, got "
                        + optimizer.getClass().getName());
            }
            if (randomness == null) {
                randomness = Randomness.secure();
            }
            return new Trainer(this);
        }
    }
}
