package org.botsec.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.botsec.core.finding.Finding;

/**
 * One audit of one model: what was audited ({@link Subject}s: one per model, e.g. with and without DP side by
 * side), every {@link CheckResult}, and the seed that replays it. The renderers in
 * {@code org.botsec.report.render} turn it into JSON, SARIF, STIX and HTML.
 *
 * @param schemaVersion the JSON schema version ({@link #SCHEMA_VERSION})
 * @param botsecVersion the BotSec version that ran the audit
 * @param createdAt     when the audit finished
 * @param seed          the seed of every random choice the checks made (attack starts, samples)
 * @param audits        one entry per audited model
 */
public record Report(String schemaVersion, String botsecVersion, Instant createdAt, long seed, List<ModelAudit> audits) {

    /**
     * The version of the JSON form (docs/report.md): the minor number grows when the form grows (new keys, new
     * checks, a check's numbers changed by design), the major number when a key changes meaning or disappears. Each
     * version has its golden report in the tests, which is written once and never regenerated.
     */
    public static final String SCHEMA_VERSION = "1.3";

    /**
     * The checks run on one model.
     *
     * @param subject what was audited
     * @param checks  the checks in the order they ran
     */
    public record ModelAudit(Subject subject, List<CheckResult> checks) {
        public ModelAudit {
            Objects.requireNonNull(subject, "subject");
            checks = List.copyOf(checks);
        }

        /** Every finding of every check, in order. */
        public List<Finding> findings() {
            return checks.stream().flatMap(c -> c.findings().stream()).toList();
        }

        /** True when no check failed or errored. */
        public boolean passed() {
            return checks.stream().noneMatch(c -> c.status() == CheckResult.Status.FAIL
                    || c.status() == CheckResult.Status.ERROR);
        }
    }

    public Report {
        Objects.requireNonNull(schemaVersion, "schemaVersion");
        Objects.requireNonNull(botsecVersion, "botsecVersion");
        Objects.requireNonNull(createdAt, "createdAt");
        audits = List.copyOf(audits);
    }

    /** True when every audited model passed every check. */
    public boolean passed() {
        return audits.stream().allMatch(ModelAudit::passed);
    }
}
