package org.botsec.cli.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.cli.ProgressBar;
import org.botsec.cli.TrainingProgress;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.Splits;
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
 * train/test split; CSV files: a stratified 80/20 split with the seed), train, evaluate on the test part and
 * record in the provenance where the data came from and how it was split.
 */
final class Training {
    static final double TEST_FRACTION = 0.2;
    static final int DEFAULT_EPOCHS = 30;
    static final int DEFAULT_BATCH_SIZE = 64;
    static final double DEFAULT_LEARNING_RATE = 1e-3;
    static final int[] DEFAULT_HIDDEN = {128};

    /**
     * A validated training request.
     *
     * @param dp the DP-SGD options with {@code --dp}, else null (non-private training)
     */
    record Request(String data, String label, ModelKind kind, long seed, int epochs, int batchSize,
                   double learningRate, int[] hidden, double c, boolean standardize, DpTrainingSupport.Options dp) {
    }

    /**
     * A trained model and its test metrics.
     *
     * @param privacy what DP-SGD spent, or null for non-private training
     */
    record Outcome(Model model, Evaluation metrics, int trainSize, int testSize, String split,
                   TrainCommand.DpReport privacy) {
    }

    private Training() {
    }

    static Outcome run(Request r, ProgressBar bar) {
        return r.kind().isText() ? text(r, bar) : numeric(r, bar);
    }

    private static Outcome numeric(Request r, ProgressBar bar) {
        Dataset train;
        Dataset test;
        String split;
        if (DataSources.isBuiltin(r.data())) {
            String name = builtinName(r.data());
            if (Builtins.isText(name)) {
                throw BadInputException.of("%s is a text data set; train it with --model text-logreg", r.data());
            }
            train = Builtins.load(name, Split.TRAIN);
            test = Builtins.load(name, Split.TEST);
            split = builtinSplit(name);
        } else {
            Dataset all = DataSources.loadNumeric(r.data(), r.label());
            checkClasses(all.classNames(), all.y(), r.data());
            int[][] parts = splitIndices(all.y(), r.seed(), r.data());
            train = all.subset(parts[0]);
            test = all.subset(parts[1]);
            split = "stratified 80/20, seed " + r.seed();
        }
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
        return new Outcome(model, e, train.size(), test.size(), split, privacy);
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
                Trainer trainer = Trainer.builder()
                        .optimizer(Adam.builder().learningRate(r.learningRate()).build())
                        .epochs(r.epochs())
                        .batchSize(r.batchSize())
                        .randomness(Randomness.replayable(r.seed()))
                        .listener(new TrainingProgress(bar, r.epochs()))
                        .build();
                Mlp m = trainer.fit(init, train);
                bar.finish();
                model = m.withProvenance(annotate(m.provenance().orElse(null), r, split));
            }
            default -> throw new IllegalStateException("not a numeric model: " + r.kind());
        }
        return model;
    }

    private static Outcome text(Request r, ProgressBar bar) {
        TextDataset train;
        TextDataset test;
        String split;
        if (DataSources.isBuiltin(r.data())) {
            String name = builtinName(r.data());
            if (!Builtins.isText(name)) {
                throw BadInputException.of("%s is a numeric data set; text-logreg needs texts (e.g. "
                        + "builtin:sentiment_sentences)", r.data());
            }
            train = Builtins.loadText(name, Split.TRAIN);
            test = Builtins.loadText(name, Split.TEST);
            split = builtinSplit(name);
        } else {
            TextDataset all = DataSources.loadText(r.data());
            checkClasses(all.classNames(), all.y(), r.data());
            for (int i = 0; i < all.size(); i++) {
                if (all.texts().get(i).isBlank()) {
                    throw BadInputException.of("%s row %d: the text is empty", r.data(), i + 1);
                }
            }
            int[][] parts = splitIndices(all.y(), r.seed(), r.data());
            train = subset(all, parts[0]);
            test = subset(all, parts[1]);
            split = "stratified 80/20, seed " + r.seed();
        }
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
        return new Outcome(model, e, train.size(), test.size(), split, privacy);
    }

    private static LogisticRegression logisticRegression(Request r) {
        return LogisticRegression.builder().c(r.c()).standardize(!r.kind().isText() && r.standardize()).build();
    }

    private static String builtinName(String spec) {
        DataSources.BuiltinSpec b = DataSources.parseBuiltin(spec);
        if (spec.indexOf(':', DataSources.BUILTIN.length()) >= 0 && b.split() != Split.TRAIN) {
            throw BadInputException.of("train uses the fixed train/test split of builtin:%s and reports metrics on "
                    + "its test part; give --data builtin:%s (not %s)", b.name(), b.name(), spec);
        }
        return b.name();
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

    private static int[][] splitIndices(int[] y, long seed, String source) {
        int[][] parts = Splits.stratified(y, TEST_FRACTION, seed);
        if (parts[0].length == 0 || parts[1].length == 0) {
            throw BadInputException.of("%s has too few rows (%d) for an 80/20 train/test split", source, y.length);
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
        if (r.kind() == ModelKind.MLP) {
            params.put("hidden", Arrays.stream(r.hidden()).boxed().toList());
        }
        return params;
    }

    /** The trainer's provenance plus the data source, the split and the CLI model name. */
    private static Provenance annotate(Provenance p, Request r, String split) {
        Map<String, Object> params = new LinkedHashMap<>(p == null ? Map.of() : p.parameters());
        params.putAll(baseParameters(r, split));
        if (p == null) {
            return Provenance.of("botsec-cli/" + r.kind().cliName(), params, "", r.seed());
        }
        return new Provenance(p.trainer(), params, p.dataSha256(), p.seed(), p.botsecVersion(), p.javaVersion(),
                p.createdAt(), p.privacy());
    }
}
