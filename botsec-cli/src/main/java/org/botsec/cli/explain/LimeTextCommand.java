package org.botsec.cli.explain;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.TextFiles;
import org.botsec.core.BadInputException;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextClassifier;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureSelection;
import org.botsec.explain.LimeTextExplainer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec explain lime-text}: which words made a text model decide. */
@Command(name = "lime-text", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Explain a text model's prediction with LIME (words as features, as marcotcr/lime).",
        footer = {"", "Examples:",
                "  botsec explain lime-text --model sentiment.safetensors \\",
                "      --text \"The movie was awesome!\" --seed 0 --html lime.html --json",
                "  botsec explain lime-text --model sentiment.safetensors --text-file review.txt",
                "  cat review.txt | botsec explain lime-text --model sentiment.safetensors \\",
                "      --text-file -"})
public final class LimeTextCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Text model file (.safetensors).")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TextArg input;

    static final class TextArg {
        @Option(names = "--text", paramLabel = "TEXT", description = "The text to explain.")
        String text;

        @Option(names = "--text-file", paramLabel = "FILE",
                description = "Read the text to explain from FILE (UTF-8, at most 1 MiB); - reads standard input.")
        String file;
    }

    @Option(names = "--num-features", defaultValue = "10", paramLabel = "K", description = "Words in the explanation (default: ${DEFAULT-VALUE}).")
    int numFeatures;

    @Mixin
    LimeSamplingOptions sampling;

    @Option(names = "--feature-selection", defaultValue = "AUTO", paramLabel = "METHOD",
            description = "auto, forward_selection, highest_weights, lasso_path or none (default: auto).",
            converter = FeatureSelectionConverter.class)
    FeatureSelection featureSelection;

    @Option(names = "--positional", description = "Explain word positions instead of distinct words (lime's bow=False).")
    boolean positional;

    @Mixin
    HtmlOption html;

    @Option(names = "--json", description = "Print one JSON document {\"label\", \"weights\", \"intercept\", \"score\", \"local_prediction\", \"prediction\", ...}.")
    boolean json;

    @Override
    public Integer call() {
        html.check();
        ExplainSupport.checkNumFeatures(numFeatures);
        if (sampling.numSamples < org.botsec.explain.SampleLimits.MIN_SAMPLES
                || sampling.numSamples > org.botsec.explain.SampleLimits.MAX_SAMPLES) {
            // checked before the model loads; the limit for the text's width is checked by the explainer
            org.botsec.explain.SampleLimits.check("--num-samples", sampling.numSamples, 1, "words");
        }
        String text = input.text != null ? input.text : TextFiles.read(input.file, System.in);
        Model m = ExplainSupport.loadModel(model);
        if (!(m instanceof TextClassifier tc)) {
            throw BadInputException.of("model %s (type %s) is not a text model; use lime-tabular or shap", model,
                    m.type());
        }
        List<String> classes = tc.classNames();
        int fallback = classes.size() == 2 ? 1 : ExplainSupport.argmax(tc.predictProba(List.of(text)));
        int l = ExplainSupport.label(sampling.label, classes, fallback);
        LimeTextExplainer.Builder b = LimeTextExplainer.builder().classNames(classes).bow(!positional)
                .featureSelection(featureSelection);
        if (sampling.seed != null) {
            b.seed(sampling.seed); // otherwise the explainer draws a fresh seed and records it
        }
        LimeTextExplainer ex = b.build();
        Explanation e = ex.explainInstance(text, tc::predictProba, numFeatures, sampling.numSamples, l);
        ExplainSupport.writeLime(spec, e, html.html, "LIME explanation", json);
        return ExitCode.OK;
    }
}
