package org.botsec.report.checks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.attack.audit.ClaimCheck;
import org.botsec.attack.audit.PrivacyClaim;
import org.botsec.attack.inference.MembershipResult;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.report.CheckResult;
import org.botsec.report.Series;
import org.botsec.report.Threshold;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * The privacy claim checked (Jagielski et al. 2020; Nasr et al. 2021): the membership attack's empirical ε lower
 * bound (Clopper–Pearson, 95%) must not exceed the ε the model's guarantee claims. A bound above the claim means
 * the implementation or its accounting is wrong: a CRITICAL finding. Needs a DP model and its training data.
 */
public final class PrivacyAuditCheck implements AuditCheck {
    public static final String ID = "privacy.audit";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Privacy audit: empirical epsilon against the claim";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of(new AuditConfig.Setting("rows", 500, 20, 100000, "members and non-members sampled (each)"));
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        if (ctx.subject().privacy().isEmpty()) {
            return CheckResult.notApplicable(ID, title(), "The model claims no differential privacy.");
        }
        if (ctx.train().isEmpty()) {
            return CheckResult.notApplicable(ID, title(), "Needs the training data (--train-data) to know the members.");
        }
        PrivacyGuarantee g = ctx.subject().privacy().get();
        MembershipResult r = MembershipCheck.attack(ctx, s.getInt("rows"));
        ClaimCheck check = new ClaimCheck(r.epsilonBound().epsilon(), r.epsilonBound().delta(),
                r.epsilonBound().confidence(), PrivacyClaim.of(g), "membership.threshold");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("empirical_epsilon_lower_bound", check.lowerBound());
        metrics.put("claimed_epsilon", g.epsilon());
        metrics.put("delta", g.delta());
        metrics.put("confidence", check.confidence());
        Threshold t = new Threshold("empirical_epsilon_lower_bound", Threshold.Direction.AT_MOST, g.epsilon());
        Series bars = new Series("epsilon_claimed_vs_empirical", "empirical lower bound", "", "epsilon",
                new double[] {0, 1}, new double[] {check.lowerBound(), check.lowerBound()});
        Series claim = new Series("epsilon_claimed_vs_empirical", "claimed", "", "epsilon",
                new double[] {0, 1}, new double[] {g.epsilon(), g.epsilon()});
        return CheckResult.measured(ID, title(), t, metrics, check.violated()
                        ? "The empirical bound is above the claimed epsilon: the guarantee does not hold as stated."
                        : "The empirical bound stays below the claimed epsilon (a lower bound cannot prove the claim, "
                        + "only refute it).", List.of(claim, bars), Map.of(), List.of(check.finding()));
    }
}
