package org.botsec.cli.core;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.io.LinearModelImport;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.LinearModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec models import-linear}: a scikit-learn style linear model from JSON into a BotSec model file. */
@Command(name = "import-linear", mixinStandardHelpOptions = true,
        description = {"Import a linear classifier (e.g. scikit-learn LogisticRegression) from JSON:",
                "{\"type\": \"logistic_regression\", \"feature_names\": [...], \"classes\": [...], \"coef\": [[...]], "
                        + "\"intercept\": [...], \"scaler\": {\"mean\": [...], \"scale\": [...]}}",
                "Binary models have one coef row (P(classes[1]) = sigmoid), as in scikit-learn; scaler is optional.",
                "Other fields are an error unless --ignore-unknown is given (then they are listed and skipped)."},
        footer = {"", "Examples:", "  botsec models import-linear --from sklearn_model.json --out model.safetensors",
                "  botsec models import-linear --from export_with_notes.json --out model.safetensors --ignore-unknown"})
public final class ImportLinearCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "FILE.json", description = "The JSON model.")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Model file to write.")
    Path out;

    @Option(names = "--ignore-unknown", description = "Skip top-level fields other than the model's (notes, test "
            + "predictions, versions); they are listed in the output and the provenance. The model's own fields are "
            + "checked as always.")
    boolean ignoreUnknown;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    /** The JSON document of {@code botsec models import-linear}. */
    public record Result(String out, String type, List<String> classes, int numFeatures, boolean scaler,
                         List<String> ignoredFields) {
    }

    @Override
    public Integer call() {
        List<String> ignored = LinearModelImport.read(from, ignoreUnknown).ignored();
        LinearModel m = LinearModelImport.load(from, ignoreUnknown);
        TrainCommand.checkOut(out);
        ModelFiles.save(m, out);
        Result r = new Result(out.toString(), m.type(), m.classNames(), m.numFeatures(), m.scaler().isPresent(),
                ignored);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, r);
        } else {
            w.printf("imported %s: %d classes (%s), %d features%s%nwrote %s%n", r.type(), r.classes().size(),
                    String.join(", ", r.classes()), r.numFeatures(), r.scaler() ? ", with scaler" : "", out);
            if (!ignored.isEmpty()) {
                w.printf("ignored %d unknown fields: %s%n", ignored.size(), String.join(", ", ignored));
            }
            w.flush();
        }
        return ExitCode.OK;
    }
}
