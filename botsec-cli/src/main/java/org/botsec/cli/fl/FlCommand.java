package org.botsec.cli.fl;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code botsec fl}: federated learning. */
@Command(name = "fl", mixinStandardHelpOptions = true,
        description = "Federated learning: simulate many clients training one model, or run a real federation over gRPC "
                + "with mutual TLS (certs, server, client).",
        subcommands = {SimulateCommand.class, CertsCommand.class, ServerCommand.class, ClientCommand.class})
public final class FlCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
