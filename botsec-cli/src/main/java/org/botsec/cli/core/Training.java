package org.botsec.cli.core;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.botsec.cli.ProgressBar;
import org.botsec.cli.TrainingProgress;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.TrainRows;
import org.botsec.core.data.TextDataset;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.prov.Provenance;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;

/**
 * What {@code botsec train} and {@code botsec demo} do: load the data, split it (built-in sets: their fixed
 * train/test split, or every row with {@code builtin:NAME:all}; CSV files: a stratified split with the seed and
 * {@code --test-fraction}, default 0.2, or every row with 0), train, evaluate on the held-out part (on the
 * training rows, labelled as such, when nothing is held out) and record in the provenance where the data came
 * from and which rows were trained on ({@link TrainRows}).
 */
final class Training {
    static final double TEST_FRACTION = 0.2;
    static final int DEFAULT_EPOCHS = 30;
    static final int DEFAULT_BATCH_SIZE = 64;
    static final double DEFAULT_LEARNING_RATE = 1e-3;
    static final int[] DEFAULT_HIDDEN = {128};

    /** What the metrics were computed on. */
    static final String ON_TEST = "test split";
    static final String ON_TRAINING = "training data";

    /**
     * A validated training request.
     *
     * @param dp           the DP-SGD options with {@code --dp}, else null (non-private training)
     * @param testFraction {@code --test-fraction} (CSV files only), in [0, 1); empty for the default
     * @param adversarialEpsilon {@code --adversarial pgd --epsilon E}: PGD adversarial training at E, or empty
     */
    record Request(String data, String label, ModelKind kind, long seed, int epochs, int batchSize,
                   double learningRate, int[] hidden, double c, boolean standardize, DpTrainingSupport.Options dp,
                   OptionalDouble testFraction, OptionalDouble adversarialEpsilon) {
        Request {
            hidden = hidden.clone();
        }

        /** A request with the default test fraction. */
        Request(String data, String label, ModelKind kind, long seed, int epochs, int batchSize,
                double learningRate, int[] hidden, double c, boolean standardize, DpTrainingSupport.Options dp) {
            this(data, label, kind, seed, epochs, batchSize, learningRate, hidden, c, standardize, dp,
                    OptionalDouble.empty(), OptionalDouble.empty());
        }

        @Override
        public int[] hidden() {
            return hidden.clone();
        }
    }

    /**
     * A trained model and its metrics.
     *
     * @param privacy     what DP-SGD spent, or null for non-private training
     * @param evaluatedOn {@link #ON_TEST}, or {@link #ON_TRAINING} when every row was trained on
     */
    record Outcome(Model model, Evaluation metrics, int trainSize, int testSize, String split,
                   TrainCommand.DpReport privacy, String evaluatedOn) {
    }

    /** The rows to train and evaluate on, and how they were chosen. */
    private record Parts<D>(D train, D test, String split, boolean onTrainingData) {
        String evaluatedOn() {
            return onTrainingData ? ON_TRAINING : ON_TEST;
        }
    }

    private Training() {
    }

    static Outcome run(Request r, ProgressBar bar) {
        return r.kind().isText() ? text(r, bar) : numeric(r, bar);
    }

    private static Outcome numeric(Request r, ProgressBar bar) {
        Parts<Dataset> parts;
        if (DataSources.isBuiltin(r.data())) {
            DataSources.BuiltinSpec b = builtin(r);
            if (Builtins.isText(b.name())) {
                throw BadInputException.of("%s is a text data set; train it with --model text-logreg", r.data());
            }
            parts = b.split() == Split.ALL
                    ? allRows(Builtins.load(b.name(), Split.ALL))
                    : new Parts<>(Builtins.load(b.name(), Split.TRAIN), Builtins.load(b.name(), Split.TEST),
                    builtinSplit(b.name()), false);
        } else {
            Dataset all = DataSources.loadNumeric(r.data(), r.label());
            checkClasses(all.classNames(), all.y(), r.data());
            int[][] idx = splitIndices(all.y(), r);
            parts = idx == null ? allRows(all)
                    : new Parts<>(all.subset(idx[0]), all.subset(idx[1]), csvSplit(r), false);
        }
        Dataset train = parts.train();
        Dataset test = parts.test();
        String split = parts.split();
        Model model;
        TrainCommand.DpReport privacy = null;
        if (r.dp() != null) {
            DpTrainingSupport.Trained t = DpTrainingSupport.numeric(r, train, split, bar);
            model = t.model();
            privacy = t.report();
        } else {
            model = nonPrivate(r, train, split, bar);
        }
        Evaluation e = Evaluation.of(test.y(), ((org.botsec.core.model.Classifier) model).predictProba(test.x()),
                test.classNames());
        return new Outcome(model, e, train.size(), parts.onTrainingData() ? 0 : test.size(), split, privacy,
                parts.evaluatedOn());
    }

    static int[] mlpSizes(Request r, Dataset train) {
        int[] sizes = new int[r.hidden().length + 2];
        sizes[0] = train.numFeatures();
        System.arraycopy(r.hidden(), 0, sizes, 1, r.hidden().length);
        sizes[sizes.length - 1] = train.numClasses();
        return sizes;
    }

    private static Model nonPrivate(Request r, Dataset train, String split, ProgressBar bar) {
        Model model;
        switch (r.kind()) {
            case LOGREG, SOFTMAX -> {
                LinearModel m = logisticRegression(r).fit(train);
                model = m.withProvenance(annotate(m.provenance(), r, split));
            }
            case MLP -> {
                Mlp init = Mlp.create(mlpSizes(r, train), train.featureNames(), train.classNames(), Randomness.replayable(r.seed()));
                if (r.adversarialEpsilon().isPresent()) {
                    return adversarial(r, init, train, split, bar);
                }
                Trainer trainer = Trainer.builder()
                        .optimizer(Adam.builder().learningRate(r.learningRate()).build())
                        .epochs(r.epochs())
                        .batchSize(r.batchSize())
                        .randomness(Randomness.replayable(r.seed()))
                        .listener(new TrainingProgress(bar, r.epochs()))
                        .standardize(r.standardize())
                        .build();
                Mlp m = trainer.fit(init, train);
                bar.finish();
                model = m.withProvenance(annotate(m.provenance(), r, split));
            }
            default -> throw new IllegalStateException("not a numeric model: " + r.kind());
        }
        return model;
    }

    /**
     * PGD adversarial training ({@code org.botsec.attack.evasion.AdversarialTraining}): PGD-7 at ε with step ε/4,
     * inputs kept in [0, 1] when the training data is (images), unbounded otherwise; half of each batch clean.
     */
    private static Model adversarial(Request r, Mlp init, Dataset train, String split, ProgressBar bar) {
        double eps = r.adversarialEpsilon().getAsDouble();
        boolean unit = java.util.Arrays.stream(train.x().data()).allMatch(v -> v >= 0 && v <= 1);
        org.botsec.attack.evasion.GradientAttack pgd = org.botsec.attack.evasion.GradientAttack.pgd()
                .norm(org.botsec.attack.evasion.Norm.LINF).epsilon(eps).stepSize(eps / 4).steps(7).seed(r.seed())
                .valueRange(unit ? org.botsec.attack.evasion.ValueRange.UNIT
                        : org.botsec.attack.evasion.ValueRange.UNBOUNDED)
                .build();
        Mlp start = r.standardize()
                ? init.withScaler(java.util.Optional.of(org.botsec.core.data.Standardizer.fit(train.x()))) : init;
        bar.update(0, 1, "adversarial training, PGD-7 at epsilon " + eps);
        Mlp m = new org.botsec.attack.evasion.AdversarialTraining(pgd,
                Adam.builder().learningRate(r.learningRate()).build(), r.epochs(), r.batchSize(), 0.5, r.seed())
                .fit(start, train);
        bar.update(1, 1, "adversarial training done");
        bar.finish();
        return m.withProvenance(annotate(m.provenance(), r, split));
    }

    private static Outcome text(Request r, ProgressBar bar) {
        Parts<TextDataset> parts;
        if (DataSources.isBuiltin(r.data())) {
            DataSources.BuiltinSpec b = builtin(r);
            if (!Builtins.isText(b.name())) {
                throw BadInputException.of("%s is a numeric data set; text-logreg needs texts (e.g. "
                        + "builtin:sentiment_sentences)", r.data());
            }
            parts = b.split() == Split.ALL
                    ? allRows(Builtins.loadText(b.name(), Split.ALL))
                    : new Parts<>(Builtins.loadText(b.name(), Split.TRAIN), Builtins.loadText(b.name(), Split.TEST),
                    builtinSplit(b.name()), false);
        } else {
            TextDataset all = DataSources.loadText(r.data());
            checkClasses(all.classNames(), all.y(), r.data());
            for (int i = 0; i < all.size(); i++) {
                if (all.texts().get(i).isBlank()) {
                    throw BadInputException.of("%s row %d: the text is empty", r.data(), i + 1);
                }
            }
            int[][] idx = splitIndices(all.y(), r);
            parts = idx == null ? allRows(all) : new Parts<>(subset(all, idx[0]), subset(all, idx[1]), csvSplit(r),
                    false);
        }
        TextDataset train = parts.train();
        TextDataset test = parts.test();
        String split = parts.split();
        TextPipeline model;
        TrainCommand.DpReport privacy = null;
        if (r.dp() != null) {
            DpTrainingSupport.Trained t = DpTrainingSupport.text(r, train, split, bar);
            model = (TextPipeline) t.model();
            privacy = t.report();
        } else {
            TextPipeline p = TextPipeline.fit(train, logisticRegression(r));
            LinearModel lm = p.linearModel();
            model = new TextPipeline(p.vectorizer(), lm.withProvenance(annotate(lm.provenance(), r, split)));
        }
        Evaluation e = Evaluation.of(test.y(), model.predictProba(test.texts()), test.classNames());
        return new Outcome(model, e, train.size(), parts.onTrainingData() ? 0 : test.size(), split, privacy,
                parts.evaluatedOn());
    }

    private static LogisticRegression logisticRegression(Request r) {
        return LogisticRegression.builder().c(r.c()).standardize(!r.kind().isText() && r.standardize()).build();
    }

    private static <D> Parts<D> allRows(D all) {
        return new Parts<>(all, all, ALL_ROWS, true);
    }

    static final String ALL_ROWS = "none: every row trained on";

    /** The built-in spec: builtin:NAME (fixed split), builtin:NAME:train (the same) or builtin:NAME:all. */
    private static DataSources.BuiltinSpec builtin(Request r) {
        String spec = r.data();
        DataSources.BuiltinSpec b = DataSources.parseBuiltin(spec);
        boolean explicit = spec.indexOf(':', DataSources.BUILTIN.length()) >= 0;
        if (explicit && b.split() == Split.TEST) {
            throw BadInputException.of("train uses the fixed train/test split of builtin:%s and reports metrics on "
                    + "its test part, or every row with builtin:%s:all; give one of those (not %s)", b.name(),
                    b.name(), spec);
        }
        if (r.testFraction().isPresent()) {
            throw BadInputException.of("--test-fraction applies to CSV files; builtin:%s has a fixed split (give "
                    + "builtin:%s:all to train on every row)", b.name(), b.name());
        }
        return new DataSources.BuiltinSpec(b.name(), explicit && b.split() == Split.ALL ? Split.ALL : Split.TRAIN);
    }

    /** Which rows of the source {@code r} trains on; known before loading, so the provenance can say it. */
    static TrainRows trainRows(Request r) {
        if (DataSources.isBuiltin(r.data())) {
            DataSources.BuiltinSpec b = builtin(r);
            if (b.split() == Split.ALL) {
                return TrainRows.all();
            }
            return b.name().equals("fashion_mnist") ? TrainRows.builtinTrainPart()
                    : TrainRows.stratifiedSplit(Builtins.TEST_FRACTION, Builtins.SPLIT_SEED);
        }
        double f = testFraction(r);
        return f == 0 ? TrainRows.all() : TrainRows.stratifiedSplit(f, r.seed());
    }

    private static double testFraction(Request r) {
        return r.testFraction().orElse(TEST_FRACTION);
    }

    private static String csvSplit(Request r) {
        double f = testFraction(r);
        return "stratified " + percent(1 - f) + "/" + percent(f) + ", seed " + r.seed();
    }

    private static String percent(double fraction) {
        return BigDecimal.valueOf(fraction * 100).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static String builtinSplit(String name) {
        return name.equals("fashion_mnist") ? "fixed: train10k / t10k"
                : "fixed: stratified 80/20, seed " + Builtins.SPLIT_SEED;
    }

    private static void checkClasses(List<String> classes, int[] y, String source) {
        if (y.length == 0) {
            throw BadInputException.of("%s has no rows", source);
        }
        if (classes.size() < 2) {
            throw BadInputException.of("%s has a single class (%s); training needs at least two", source,
                    classes.isEmpty() ? "none" : "'" + classes.get(0) + "'");
        }
    }

    /** The CSV split {train, test}, or null with --test-fraction 0 (every row trained on). */
    private static int[][] splitIndices(int[] y, Request r) {
        TrainRows rows = trainRows(r);
        if (rows.selection() == TrainRows.Selection.ALL) {
            return null;
        }
        int[][] parts = rows.split(y);
        if (parts[0].length == 0 || parts[1].length == 0) {
            throw BadInputException.of("%s has too few rows (%d) for a %s train/test split; give --test-fraction 0 "
                    + "to train on every row", r.data(), y.length, csvSplit(r));
        }
        return parts;
    }

    private static TextDataset subset(TextDataset d, int[] idx) {
        List<String> texts = new ArrayList<>(idx.length);
        int[] y = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            texts.add(d.texts().get(idx[i]));
            y[i] = d.y()[idx[i]];
        }
        return new TextDataset(texts, y, d.classNames(), d.sha256());
    }

    /** The CLI model name, the data source, the split (and the hidden layers of an MLP). */
    static Map<String, Object> baseParameters(Request r, String split) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("cli_model", r.kind().cliName());
        params.put("data", r.data());
        params.put("split", split);
        params.put(TrainRows.PARAMETER, trainRows(r).toParameters());
        if (r.kind() == ModelKind.MLP) {
            params.put("hidden", Arrays.stream(r.hidden()).boxed().toList());
        }
        r.adversarialEpsilon().ifPresent(e -> {
            params.put("adversarial", "pgd");
            params.put("adversarial_epsilon", e);
        });
        return params;
    }

    /** The trainer's provenance plus the data source, the split and the CLI model name. */
    private static Provenance annotate(Optional<Provenance> fitted, Request r, String split) {
        Map<String, Object> params = new LinkedHashMap<>(fitted.map(Provenance::parameters).orElse(Map.of()));
        params.putAll(baseParameters(r, split));
        if (fitted.isEmpty()) {
            return Provenance.of("botsec-cli/" + r.kind().cliName(), params, "", r.seed());
        }
        Provenance p = fitted.get();
        return new Provenance(p.trainer(), params, p.dataSha256(), p.seed(), p.botsecVersion(), p.javaVersion(),
                p.createdAt(), p.privacy());
    }
}
