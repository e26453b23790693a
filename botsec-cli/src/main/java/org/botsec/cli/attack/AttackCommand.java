package org.botsec.cli.attack;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code botsec attack}: attack-test a model (evasion, poisoning, membership inference, inversion, extraction). */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Attack-test a model: evasion, poisoning, membership inference, inversion, extraction.",
        subcommands = {
                CommandLine.HelpCommand.class,
                EvasionCommand.class,
                PoisonCommand.class,
                MembershipCommand.class,
                InversionCommand.class,
                ExtractionCommand.class,
                PrivacyAuditCommand.class,
        })
public final class AttackCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
