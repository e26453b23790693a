package org.botsec.report.checks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
import org.botsec.report.CheckResult;
import org.botsec.report.Threshold;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * Test accuracy on the audit data. It must reach {@code min_accuracy} and beat always answering the majority
 * class by at least one row (a model below that has learned nothing a reviewer can rely on).
 */
public final class AccuracyCheck implements AuditCheck {
    public static final String ID = "quality.accuracy";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Test accuracy";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of(new AuditConfig.Setting("min_accuracy", 0.0, 0.0, 1.0,
                "lowest acceptable accuracy; the majority-class rate plus one row applies in any case"));
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        Evaluation e = Evaluation.of(ctx.data().y(), ctx.model().predictProba(ctx.data().x()), ctx.model().classNames());
        int[] counts = new int[ctx.model().numClasses()];
        for (int y : ctx.data().y()) {
            counts[y]++;
        }
        int majority = 0;
        for (int c : counts) {
            majority = Math.max(majority, c);
        }
        int n = ctx.data().size();
        double baseline = (double) majority / n;
        double bound = Math.max(s.get("min_accuracy"), (majority + 1.0) / n);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", e.accuracy());
        metrics.put("majority_class_rate", baseline);
        metrics.put("log_loss", e.logLoss());
        metrics.put("rows", (double) n);
        Threshold t = new Threshold("accuracy", Threshold.Direction.AT_LEAST, bound);
        List<Finding> findings = t.passes(e.accuracy()) ? List.of() : List.of(
                Finding.builder("audit.quality.accuracy", FindingKind.MODEL_QUALITY, Severity.HIGH,
                                "Test accuracy below the required level")
                        .description("Retrain or collect more data before release; a model at this accuracy "
                                + "gives answers a reviewer cannot rely on.")
                        .score(new Score(e.accuracy(), Score.Basis.MEASURED_RATE))
                        .evidence("accuracy", e.accuracy()).evidence("required", bound).source(ID).build());
        return CheckResult.measured(ID, title(), t, metrics, String.format(java.util.Locale.ROOT,
                "%d rows; always answering the majority class would score %.4f.", n, baseline), List.of(), Map.of(),
                findings);
    }
}
