package org.botsec.cli.guard;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so instead of pretending. */
@Command(name = "guard", mixinStandardHelpOptions = true, description = "Scan messages with the guardrails. (not yet available)")
public final class GuardCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("'botsec guard' is not yet implemented");
    }
}
