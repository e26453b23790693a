package org.botsec.cli.core;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec models}: inspect model files and import linear models trained elsewhere. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Inspect, import (from scikit-learn JSON or ONNX), export (ONNX), sign and verify model files.",
        subcommands = {CommandLine.HelpCommand.class, ModelInfoCommand.class, ImportLinearCommand.class,
                ImportOnnxCommand.class, ExportOnnxCommand.class,
                ModelSigningCommands.Keygen.class, ModelSigningCommands.Sign.class, ModelSigningCommands.Verify.class})
public final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: use 'botsec models info MODEL' or 'botsec models import-linear'");
    }
}
