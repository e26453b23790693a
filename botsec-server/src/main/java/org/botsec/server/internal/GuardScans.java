package org.botsec.server.internal;

import java.util.Locale;
import org.botsec.guard.Direction;
import org.botsec.guard.Guard;
import org.botsec.guard.Verdict;
import org.botsec.guard.audit.AuditLog;

/** Runs the guard on one text and records the verdict in the metrics and (when configured) the audit log. */
final class GuardScans {
    private final Guard guard;
    private final AuditLog auditLog;
    private final Metrics metrics;

    /** @param auditLog null for no audit log */
    GuardScans(Guard guard, AuditLog auditLog, Metrics metrics) {
        this.guard = guard;
        this.auditLog = auditLog;
        this.metrics = metrics;
    }

    /** @param action the audit label of what the gateway is doing ({@code scan}, {@code proxy_request}, ...) */
    Verdict scan(String text, Direction dir, String action) {
        Verdict v = guard.scan(text, dir);
        record(dir, v, text, action);
        return v;
    }

    /**
     * Runs the guard without recording: the windows of a streamed field, whose verdicts are recorded once per
     * field with {@link #record} when the field ends (one audit record per field, not one per event).
     */
    Verdict scanUnrecorded(String text, Direction dir) {
        return guard.scan(text, dir);
    }

    /** Records a verdict about {@code text} (hashed in the audit log, never stored). */
    void record(Direction dir, Verdict v, String text, String action) {
        metrics.verdict(dir.name().toLowerCase(Locale.ROOT), v.action().name().toLowerCase(Locale.ROOT));
        if (auditLog != null) {
            auditLog.append(dir, v, text, action);
        }
    }
}
