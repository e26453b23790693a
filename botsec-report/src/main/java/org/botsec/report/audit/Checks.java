package org.botsec.report.audit;

import java.util.List;
import org.botsec.report.checks.AccuracyCheck;
import org.botsec.report.checks.ExplanationStabilityCheck;
import org.botsec.report.checks.FewPixelCheck;
import org.botsec.report.checks.GuardPolicyCheck;
import org.botsec.report.checks.RobustnessCheck;
import org.botsec.report.checks.MembershipCheck;
import org.botsec.report.checks.PoisoningScanCheck;
import org.botsec.report.checks.PrivacyAuditCheck;
import org.botsec.report.checks.PrivacyClaimCheck;
import org.botsec.report.checks.TextRobustnessCheck;

/** Every check {@code botsec audit} runs, in the order the report lists them. */
public final class Checks {
    private Checks() {
    }

    /** New instances of every check. */
    public static List<AuditCheck> all() {
        return List.of(new AccuracyCheck(), new RobustnessCheck(), new FewPixelCheck(), new TextRobustnessCheck(),
                new PrivacyClaimCheck(), new MembershipCheck(), new PrivacyAuditCheck(), new PoisoningScanCheck(),
                new ExplanationStabilityCheck(), new GuardPolicyCheck());
    }
}
