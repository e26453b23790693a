package org.botsec.cli.fl;

import java.util.Arrays;
import org.botsec.flower.cli.FlowerClientCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code botsec fl}: federated learning. */
@Command(name = "fl", mixinStandardHelpOptions = true,
        description = "Federated learning: simulate many clients training one model, or run a real federation over gRPC "
                + "with mutual TLS (certs, server, client); fl client --superlink joins a Flower 1.23 SuperLink instead.",
        subcommands = {SimulateCommand.class, CertsCommand.class, ServerCommand.class, ClientCommand.class})
public final class FlCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The hidden name under which the Flower client is registered; users reach it as {@code fl client --superlink}. */
    static final String FLOWER_CLIENT = "flower-client";

    /**
     * {@code fl client} has two transports: BotSec's own coordinator ({@code --server}) and a Flower SuperLink
     * ({@code --superlink}, botsec-flower). Their options differ, so the Flower form is routed to its own command
     * before picocli parses; every other argument list is returned unchanged.
     */
    public static String[] routeFlowerClient(String[] args) {
        if (args.length < 2 || !args[0].equals("fl") || !args[1].equals("client")) {
            return args;
        }
        boolean flower = Arrays.stream(args).anyMatch(a -> a.equals("--superlink") || a.startsWith("--superlink="));
        if (!flower) {
            return args;
        }
        String[] routed = args.clone();
        routed[1] = FLOWER_CLIENT;
        return routed;
    }

    /** Registers the Flower client under {@link #FLOWER_CLIENT}, hidden from {@code fl --help}. */
    public static void addFlowerClient(CommandLine fl) {
        CommandLine flower = new CommandLine(new FlowerClientCommand());
        flower.getCommandSpec().usageMessage().hidden(true);
        fl.addSubcommand(FLOWER_CLIENT, flower);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
