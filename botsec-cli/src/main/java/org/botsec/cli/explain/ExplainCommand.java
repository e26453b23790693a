package org.botsec.cli.explain;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so instead of pretending. */
@Command(name = "explain", mixinStandardHelpOptions = true, description = "Explain a model's predictions (LIME, SHAP). (not yet available)")
public final class ExplainCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("'botsec explain' is not yet implemented");
    }
}
