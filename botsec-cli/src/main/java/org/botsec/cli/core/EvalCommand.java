package org.botsec.cli.core;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec eval}: accuracy, per-class precision/recall/F1, confusion matrix and log loss. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model on labelled data: accuracy, per-class precision, recall and F1, "
                + "confusion matrix, log loss.",
        footer = {"", "Examples:", "  botsec eval --model bc.safetensors --data builtin:breast_cancer:test",
                "  botsec eval --model m.safetensors --data held_out.csv --label target"})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "Labelled CSV file, or builtin:NAME[:train|:test|:all]; a bare builtin:NAME means its test "
                    + "split (text models: a text,label CSV).")
    String data;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of a numeric CSV file.")
    String label;

    @Option(names = "--json", description = "Print one JSON document with the metrics.")
    boolean json;

    @Override
    public Integer call() {
        Model m = CoreSupport.loadModel(model);
        String source = data;
        if (org.botsec.core.data.DataSources.isBuiltin(data) && data.indexOf(':', "builtin:".length()) < 0) {
            // a bare built-in name means its held-out split here: scoring the training rows would flatter the model
            source = data + ":test";
            spec.commandLine().getErr().println("botsec: evaluating on " + source + " (the held-out split; use "
                    + data + ":all for every row)");
        }
        Evaluation e = CoreSupport.evaluate(m, source, label);
        if (json) {
            Json.print(spec.commandLine().getOut(), e);
        } else {
            CoreSupport.printEvaluation(spec.commandLine().getOut(), e);
        }
        return ExitCode.OK;
    }
}
