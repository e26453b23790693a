package org.botsec.report.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.botsec.core.prov.Provenance;
import org.botsec.report.CheckResult;
import org.botsec.report.Report;

/**
 * Runs the enabled checks of an {@link AuditConfig} on one or more models and collects a {@link Report}. A check
 * that throws becomes an {@link CheckResult.Status#ERROR} result naming the exception (the audit fails; it never
 * passes silently); bad input from the user still propagates as {@link org.botsec.core.BadInputException}.
 */
public final class AuditRunner {
    private final List<AuditCheck> checks;
    private final AuditConfig config;

    /**
     * @param checks every check, in the order they run
     * @param config what runs, with which settings
     */
    public AuditRunner(List<AuditCheck> checks, AuditConfig config) {
        this.checks = List.copyOf(checks);
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Audits each context.
     *
     * @param contexts one per model
     * @param progress told (check ID, finished count) after each check, e.g. for a progress bar
     */
    public Report run(List<AuditContext> contexts, BiConsumer<String, Integer> progress) {
        List<Report.ModelAudit> audits = new ArrayList<>();
        int done = 0;
        for (AuditContext ctx : contexts) {
            List<CheckResult> results = new ArrayList<>();
            for (AuditCheck c : checks) {
                AuditConfig.Section s = config.section(c.id());
                if (s.enabled()) {
                    results.add(runOne(c, ctx, s));
                }
                progress.accept(c.id(), ++done);
            }
            audits.add(new Report.ModelAudit(ctx.subject(), results));
        }
        return new Report(Report.SCHEMA_VERSION, Provenance.currentBotsecVersion(), Instant.now(), config.seed(), audits);
    }

    /** How many check runs {@link #run} will report progress for. */
    public int steps(int models) {
        return models * checks.size();
    }

    private static CheckResult runOne(AuditCheck c, AuditContext ctx, AuditConfig.Section s) {
        try {
            return c.run(ctx, s);
        } catch (org.botsec.core.BadInputException e) {
            throw e;
        } catch (RuntimeException e) {
            return new CheckResult(c.id(), c.title(), CheckResult.Status.ERROR, java.util.Optional.empty(),
                    java.util.Map.of(), "the check failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), List.of(), java.util.Map.of(), List.of());
        }
    }
}
