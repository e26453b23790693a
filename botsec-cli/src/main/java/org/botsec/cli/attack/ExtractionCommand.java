package org.botsec.cli.attack;

import java.util.concurrent.Callable;
import org.botsec.core.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code botsec attack extraction}: not yet implemented. */
@Command(name = "extraction", mixinStandardHelpOptions = true, description = "Not yet implemented.")
public final class ExtractionCommand implements Callable<Integer> {
    @Unmatched
    java.util.List<String> ignored;

    @Override
    public Integer call() {
        throw BadInputException.of("attack extraction is not yet implemented");
    }
}
