package org.botsec.cli.privacy;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so instead of pretending. */
@Command(name = "privacy", mixinStandardHelpOptions = true, description = "Differential privacy: epsilon and noise calibration. (not yet available)")
public final class PrivacyCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("'botsec privacy' is not yet implemented");
    }
}
