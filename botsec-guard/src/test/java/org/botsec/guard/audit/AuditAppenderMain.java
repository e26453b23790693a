package org.botsec.guard.audit;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.botsec.guard.Action;
import org.botsec.core.finding.Finding;
import org.botsec.guard.TestFindings;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;

/**
 * Child process of {@link AuditLogCrashTest}: appends verdicts in a bounded loop and prints the index of every
 * record after {@code append} returned (i.e. after fsync), so the parent knows what was acknowledged.
 */
public final class AuditAppenderMain {
    private AuditAppenderMain() {
    }

    public static void main(String[] args) {
        Path log = Path.of(args[0]);
        Path keyFile = Path.of(args[1]);
        int max = Integer.parseInt(args[2]);
        AuditLog audit = AuditLog.open(log, AuditSigningKey.loadOrCreate(keyFile), 7, Clock.systemUTC());
        Verdict v = new Verdict(Action.REDACT, "x", List.of(TestFindings.of("EMAIL", 0, 1, 1.0)), List.of("pii"));
        // Long-ish text hash input, short record: the loop is bounded so a stray child ends on its own.
        for (int i = 0; i < max; i++) {
            AuditRecord r = audit.append(Direction.INPUT, v, "message number " + i, "scan");
            System.out.println(r.index());
            System.out.flush();
        }
    }
}
