package org.botsec.cli.explain;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code botsec explain}: LIME and SHAP explanations of a saved model's predictions. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explain a model's predictions with LIME (text, tabular, image) or SHAP (kernel, exact, linear).",
        subcommands = {LimeTextCommand.class, LimeTabularCommand.class, LimeImageCommand.class, ShapCommand.class})
public final class ExplainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
