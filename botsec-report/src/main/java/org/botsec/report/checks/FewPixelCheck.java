package org.botsec.report.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.attack.evasion.EvasionResult;
import org.botsec.attack.evasion.FewPixelAttack;
import org.botsec.attack.evasion.Targets;
import org.botsec.attack.evasion.ValueRange;
import org.botsec.core.data.Dataset;
import org.botsec.core.finding.Finding;
import org.botsec.report.CheckResult;
import org.botsec.report.Threshold;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * The few-pixel attack (greedy L0 search guided by input gradients): how many pixels must change to flip a
 * prediction. Images only (inputs on [0, 1]). The check holds the share of rows flipped within the pixel budget.
 */
public final class FewPixelCheck implements AuditCheck {
    public static final String ID = "robustness.few_pixel";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Few-pixel attack (L0)";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of(new AuditConfig.Setting("max_pixels", 10, 1, 10000, "pixels the attack may change per image"),
                new AuditConfig.Setting("rows", 50, 5, 10000, "audit rows attacked"),
                new AuditConfig.Setting("max_success_rate", 0.5, 0, 1, "largest acceptable share of flipped rows"));
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        if (ctx.text().isPresent()) {
            return CheckResult.notApplicable(ID, title(), "A text model has no pixels; " + TextRobustnessCheck.ID
                    + " covers text models.");
        }
        if (ctx.gradientModel().isEmpty() || !RobustnessCheck.unitScaled(ctx.data())) {
            return CheckResult.notApplicable(ID, title(), "Needs an image model (inputs on [0, 1]) with input "
                    + "gradients.");
        }
        Dataset rows = Sampling.rows(ctx.data(), s.getInt("rows"), ctx.seed() + 2);
        EvasionResult r = new FewPixelAttack(s.getInt("max_pixels"), ValueRange.UNIT, Targets.TRUE)
                .run(ctx.gradientModel().get(), rows.x(), rows.y());
        Map<String, Double> metrics = new LinkedHashMap<>(r.metrics().asMap());
        Threshold t = new Threshold("success_rate", Threshold.Direction.AT_MOST, s.get("max_success_rate"));
        List<Finding> findings = new ArrayList<>();
        if (r.metrics().successRate() > 0) {
            findings.add(r.finding());
        }
        return CheckResult.measured(ID, title(), t, metrics, String.format(java.util.Locale.ROOT,
                "%d rows, at most %d pixels each; flipped rows needed %.1f pixels on average.", rows.size(),
                s.getInt("max_pixels"), r.metrics().meanL0Flipped()), List.of(), Images.adversarialExamples(r, rows, 2),
                findings);
    }
}
