package org.botsec.cli.privacy;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code botsec privacy}: how much (ε, δ) DP-SGD spends, and how much noise a target ε needs. */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = "Differential privacy: epsilon of DP-SGD and noise calibration.",
        subcommands = {EpsilonCommand.class, NoiseCommand.class})
public final class PrivacyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
