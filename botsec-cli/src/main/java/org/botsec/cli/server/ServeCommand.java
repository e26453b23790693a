package org.botsec.cli.server;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so instead of pretending. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP guard gateway. (not yet available)")
public final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("'botsec serve' is not yet implemented");
    }
}
