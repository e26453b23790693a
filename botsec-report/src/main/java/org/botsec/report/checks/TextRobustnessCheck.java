package org.botsec.report.checks;

import java.util.List;
import org.botsec.report.CheckResult;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * Word-level robustness of a text model: how often swapping a few words flips its answer. The attack belongs to
 * botsec-attacks; this build's attacks module has no word-level text attack yet, so the check says so for every
 * text model rather than measuring something else in its place. Numeric models are covered by
 * {@code robustness.pgd} and {@code robustness.few_pixel}.
 */
public final class TextRobustnessCheck implements AuditCheck {
    public static final String ID = "robustness.word_level";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Word-level robustness (text models)";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of();
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        if (ctx.text().isEmpty()) {
            return CheckResult.notApplicable(ID, title(), "Text models only; robustness.pgd covers numeric models.");
        }
        return CheckResult.notApplicable(ID, title(), "Not applicable yet: this build's attacks module has no "
                + "word-level text attack.");
    }
}
