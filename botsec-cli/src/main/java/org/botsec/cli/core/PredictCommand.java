package org.botsec.cli.core;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.core.data.CsvLoader;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextClassifier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec predict}: class probabilities for rows of a CSV or for texts. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict classes and probabilities with a saved model.",
                "Numeric models read the model's feature columns (by name) from --data; text models take --text "
                        + "(repeatable) or the 'text' column of --data."},
        footer = {"", "Examples:", "  botsec predict --model m.safetensors --data rows.csv",
                "  botsec predict --model sentiment.safetensors --text \"The movie was awesome!\""})
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--data", paramLabel = "DATA", description = "CSV file, or builtin:NAME[:train|:test].")
        String data;

        @Option(names = "--text", paramLabel = "TEXT", description = "A text to classify (repeatable).")
        List<String> texts;

        @Option(names = "--text-file", paramLabel = "FILE",
                description = "Classify the text in FILE (UTF-8, at most 1 MiB); - reads standard input.")
        String textFile;
    }

    @Option(names = "--json", description = "Print one JSON document: {\"predictions\": [{\"label\", \"probabilities\"}]}.")
    boolean json;

    /** One prediction: the most probable class and every class's probability. */
    public record Prediction(String label, Map<String, Double> probabilities) {
    }

    /** The JSON document of {@code botsec predict}. */
    public record Predictions(List<Prediction> predictions) {
    }

    @Override
    public Integer call() {
        if (input.textFile != null) {
            input.texts = List.of(org.botsec.cli.TextFiles.read(input.textFile, System.in));
        }
        if (input.texts != null) {
            for (String s : input.texts) {
                if (s.isBlank()) {
                    throw new BadInputException("--text is empty; give the text to classify");
                }
            }
        }
        Model m = CoreSupport.loadModel(model);
        Matrix proba;
        if (m instanceof TextClassifier t) {
            proba = t.predictProba(texts(t));
        } else {
            Classifier c = (Classifier) m;
            if (input.texts != null) {
                throw BadInputException.of("model %s is a numeric model (%d features); give rows with --data, "
                        + "not --text", model, c.numFeatures());
            }
            proba = c.predictProba(features(c));
        }
        List<String> classes = CoreSupport.classNames(m);
        List<Prediction> out = new ArrayList<>(proba.rows());
        for (int r = 0; r < proba.rows(); r++) {
            Map<String, Double> p = new LinkedHashMap<>();
            int best = 0;
            for (int k = 0; k < classes.size(); k++) {
                p.put(classes.get(k), proba.get(r, k));
                if (proba.get(r, k) > proba.get(r, best)) {
                    best = k;
                }
            }
            out.add(new Prediction(classes.get(best), p));
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, new Predictions(out));
        } else {
            for (int r = 0; r < out.size(); r++) {
                StringBuilder sb = new StringBuilder();
                for (Map.Entry<String, Double> e : out.get(r).probabilities().entrySet()) {
                    sb.append(String.format(Locale.ROOT, "  %s=%.4f", e.getKey(), e.getValue()));
                }
                w.printf(Locale.ROOT, "%d\t%s\t%s%n", r, out.get(r).label(), sb.toString().trim());
            }
            w.flush();
        }
        return ExitCode.OK;
    }

    private List<String> texts(TextClassifier t) {
        if (input.texts != null) {
            return input.texts;
        }
        if (DataSources.isBuiltin(input.data)) {
            TextDataset d = DataSources.loadText(input.data);
            CoreSupport.requireRows(d.size(), input.data);
            return d.texts();
        }
        return CsvLoader.readTexts(Path.of(input.data));
    }

    private Matrix features(Classifier c) {
        if (DataSources.isBuiltin(input.data)) {
            Dataset d = DataSources.loadNumeric(input.data, null);
            CoreSupport.requireRows(d.size(), input.data);
            return CoreSupport.alignFeatures(d, c, input.data);
        }
        return CsvLoader.readFeatures(Path.of(input.data), c.featureNames());
    }
}
