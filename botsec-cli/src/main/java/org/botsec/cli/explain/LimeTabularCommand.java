package org.botsec.cli.explain;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureSelection;
import org.botsec.explain.LimeTabularExplainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec explain lime-tabular}: which feature ranges made a numeric model decide for one row. */
@Command(name = "lime-tabular", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Explain a numeric model's prediction for one row with LIME (quartile bins, as marcotcr/lime).",
        footer = {"", "Example:",
                "  botsec explain lime-tabular --model cancer.safetensors \\",
                "      --data builtin:breast_cancer:test --row 3 --train builtin:breast_cancer:train --json"})
public final class LimeTabularCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "CSV or builtin:NAME[:split] holding the row.")
    String data;

    @Option(names = "--row", defaultValue = "0", paramLabel = "I", description = "Row of --data to explain (0-based, default 0).")
    int row;

    @Option(names = "--train", paramLabel = "DATA", description = "Training data for the sampling statistics (default: --data).")
    String train;

    @Option(names = "--num-features", defaultValue = "10", paramLabel = "K", description = "Features in the explanation (default: ${DEFAULT-VALUE}).")
    int numFeatures;

    @Mixin
    LimeSamplingOptions sampling;

    @Option(names = "--no-discretize", description = "Sample continuous values instead of quartile bins.")
    boolean noDiscretize;

    @Option(names = "--feature-selection", defaultValue = "AUTO", paramLabel = "METHOD",
            description = "auto, forward_selection, highest_weights, lasso_path or none (default: auto).",
            converter = FeatureSelectionConverter.class)
    FeatureSelection featureSelection;

    @Mixin
    HtmlOption html;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        html.check();
        ExplainSupport.checkNumFeatures(numFeatures);
        Model m = ExplainSupport.loadModel(model);
        if (!(m instanceof Classifier c)) {
            throw BadInputException.of("model %s (type %s) is not a numeric classifier; use lime-text", model,
                    m.type());
        }
        Matrix x = ExplainSupport.features(data, c.featureNames(), "data");
        double[] r = ExplainSupport.row(x, row, data);
        Matrix t = train == null ? x : ExplainSupport.features(train, c.featureNames(), "training data");
        int fallback = c.numClasses() == 2 ? 1 : ExplainSupport.argmax(c.predictProba(new Matrix(1, r.length, r.clone())));
        int l = ExplainSupport.label(sampling.label, c.classNames(), fallback);
        LimeTabularExplainer.Builder b = LimeTabularExplainer.builder().trainingData(t).model(c)
                .discretize(!noDiscretize).featureSelection(featureSelection);
        if (sampling.seed != null) {
            b.seed(sampling.seed); // otherwise the explainer draws a fresh seed and records it
        }
        Explanation e = b.build().explainInstance(r, c::predictProba, numFeatures, sampling.numSamples, l);
        ExplainSupport.writeLime(spec, e, html.html, "LIME explanation", json);
        return ExitCode.OK;
    }
}
