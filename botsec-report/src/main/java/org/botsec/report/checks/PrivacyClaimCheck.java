package org.botsec.report.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Severity;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.report.CheckResult;
import org.botsec.report.Threshold;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * The model's differential-privacy claim as its provenance records it: ε at most {@code max_epsilon}, and the
 * guarantee holding end to end (secure noise, no preprocessing left uncovered). A model trained without DP makes
 * no claim: not applicable.
 */
public final class PrivacyClaimCheck implements AuditCheck {
    public static final String ID = "privacy.claim";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Differential-privacy claim";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of(new AuditConfig.Setting("max_epsilon", 10.0, 0.0, 1000.0,
                "largest acceptable composed epsilon of the model's guarantee"));
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        Optional<PrivacyGuarantee> claim = ctx.subject().privacy();
        if (claim.isEmpty()) {
            return CheckResult.notApplicable(ID, title(), "The model was not trained with differential privacy, "
                    + "so it makes no privacy claim; membership inference below shows what it leaks.");
        }
        PrivacyGuarantee g = claim.get();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("epsilon", g.epsilon());
        metrics.put("delta", g.delta());
        List<Finding> findings = new ArrayList<>();
        Threshold t = new Threshold("epsilon", Threshold.Direction.AT_MOST, s.get("max_epsilon"));
        if (!g.holdsEndToEnd()) {
            findings.add(Finding.builder("audit.privacy.not-end-to-end", FindingKind.PRIVACY, Severity.MEDIUM,
                            g.noise().secure() ? "Privacy guarantee does not cover the whole pipeline"
                                    : "Privacy guarantee void: the noise was seeded")
                    .description("Not covered: " + String.join("; ", g.notCovered())
                            + (g.noise().secure() ? "" : "; noise: seeded (not private)"))
                    .evidence("epsilon", g.epsilon()).evidence("secure_noise", g.noise().secure()).source(ID).build());
        }
        if (!t.passes(g.epsilon())) {
            findings.add(Finding.builder("audit.privacy.epsilon-too-large", FindingKind.PRIVACY, Severity.HIGH,
                            "Privacy budget above the accepted level")
                    .evidence("epsilon", g.epsilon()).evidence("max_epsilon", s.get("max_epsilon")).source(ID).build());
        }
        String summary = String.format(java.util.Locale.ROOT, "epsilon %.4g at delta %.3g (%s, per %s; smaller "
                + "epsilon is stronger privacy, delta is the chance the bound fails).", g.epsilon(), g.delta(),
                g.accountant().label(), g.unit().label());
        CheckResult r = CheckResult.measured(ID, title(), t, metrics, summary, List.of(), Map.of(), findings);
        if (r.status() == CheckResult.Status.PASS && !g.holdsEndToEnd()) {
            return new CheckResult(ID, title(), CheckResult.Status.FAIL, r.threshold(), metrics, summary
                    + " The guarantee does not hold end to end.", List.of(), Map.of(), findings);
        }
        return r;
    }
}
