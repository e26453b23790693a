package org.botsec.cli.guard;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so instead of pretending. */
@Command(name = "audit-log", mixinStandardHelpOptions = true, description = "Check a tamper-evident audit log. (not yet available)")
public final class AuditLogCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("'botsec audit-log' is not yet implemented");
    }
}
