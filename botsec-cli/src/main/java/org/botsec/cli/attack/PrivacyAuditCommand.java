package org.botsec.cli.attack;

import java.util.concurrent.Callable;
import org.botsec.core.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code botsec attack privacy-audit}: not yet implemented. */
@Command(name = "privacy-audit", mixinStandardHelpOptions = true, description = "Not yet implemented.")
public final class PrivacyAuditCommand implements Callable<Integer> {
    @Unmatched
    java.util.List<String> ignored;

    @Override
    public Integer call() {
        throw BadInputException.of("attack privacy-audit is not yet implemented");
    }
}
