package org.botsec.cli.explain;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextClassifier;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureSelection;
import org.botsec.explain.LimeTextExplainer;
import org.botsec.explain.render.HtmlRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec explain lime-text}: which words made a text model decide. */
@Command(name = "lime-text", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Explain a text model's prediction with LIME (words as features, as marcotcr/lime).",
        footer = {"", "Example:", "  botsec explain lime-text --model sentiment.safetensors "
                + "--text \"The movie was awesome!\" --seed 0 --html lime.html --json"})
public final class LimeTextCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Text model file (.safetensors).")
    Path model;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "The text to explain.")
    String text;

    @Option(names = "--num-features", defaultValue = "10", paramLabel = "K", description = "Words in the explanation (default: ${DEFAULT-VALUE}).")
    int numFeatures;

    @Option(names = "--num-samples", defaultValue = "5000", paramLabel = "N", description = "Neighbourhood size (default: ${DEFAULT-VALUE}).")
    int numSamples;

    @Option(names = "--label", paramLabel = "L", description = "Class to explain, by name or index (default: 1 for two classes, else the predicted class).")
    String label;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for replayable sampling (default: random, printed).")
    Long seed;

    @Option(names = "--feature-selection", defaultValue = "AUTO", paramLabel = "METHOD",
            description = "auto, forward_selection, highest_weights, lasso_path or none (default: auto).",
            converter = FeatureSelectionConverter.class)
    FeatureSelection featureSelection;

    @Option(names = "--positional", description = "Explain word positions instead of distinct words (lime's bow=False).")
    boolean positional;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML page.")
    Path html;

    @Option(names = "--json", description = "Print one JSON document {\"label\", \"weights\", \"intercept\", \"score\", \"local_prediction\", \"prediction\", ...}.")
    boolean json;

    @Override
    public Integer call() {
        if (numFeatures <= 0) {
            throw BadInputException.of("--num-features must be > 0, got %d", numFeatures);
        }
        if (numSamples < 2 || numSamples > LimeTextExplainer.MAX_SAMPLES) {
            throw BadInputException.of("--num-samples must be in [2, %d], got %d", LimeTextExplainer.MAX_SAMPLES,
                    numSamples);
        }
        Model m = ExplainSupport.loadModel(model);
        if (!(m instanceof TextClassifier tc)) {
            throw BadInputException.of("model %s (type %s) is not a text model; use lime-tabular or shap", model,
                    m.type());
        }
        List<String> classes = tc.classNames();
        int fallback = classes.size() == 2 ? 1 : argmax(tc, text);
        int l = ExplainSupport.label(label, classes, fallback);
        LimeTextExplainer.Builder b = LimeTextExplainer.builder().classNames(classes).bow(!positional)
                .featureSelection(featureSelection);
        if (seed != null) {
            b.seed(seed); // otherwise the explainer draws a fresh seed and records it
        }
        LimeTextExplainer ex = b.build();
        Explanation e = ex.explainInstance(text, tc::predictProba, numFeatures, numSamples, l);
        if (html != null) {
            HtmlRenderer.write(List.of(e), "LIME explanation", html);
        }
        if (json) {
            Json.print(spec.commandLine().getOut(), ExplainSupport.LimeResult.of(e));
        } else {
            ExplainSupport.printLime(spec.commandLine().getOut(), e);
        }
        return ExitCode.OK;
    }

    private static int argmax(TextClassifier tc, String text) {
        var p = tc.predictProba(List.of(text));
        int best = 0;
        for (int k = 1; k < p.cols(); k++) {
            if (p.get(0, k) > p.get(0, best)) {
                best = k;
            }
        }
        return best;
    }
}
