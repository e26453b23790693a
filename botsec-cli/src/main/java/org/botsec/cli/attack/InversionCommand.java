package org.botsec.cli.attack;

import java.util.concurrent.Callable;
import org.botsec.core.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code botsec attack inversion}: not yet implemented. */
@Command(name = "inversion", mixinStandardHelpOptions = true, description = "Not yet implemented.")
public final class InversionCommand implements Callable<Integer> {
    @Unmatched
    java.util.List<String> ignored;

    @Override
    public Integer call() {
        throw BadInputException.of("attack inversion is not yet implemented");
    }
}
