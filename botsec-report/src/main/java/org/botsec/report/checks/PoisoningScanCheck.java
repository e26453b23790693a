package org.botsec.report.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.attack.AttackReport;
import org.botsec.attack.poisoning.AttributionConcentration;
import org.botsec.attack.poisoning.Detection;
import org.botsec.attack.poisoning.PoisonDetector;
import org.botsec.attack.poisoning.PoisonScan;
import org.botsec.attack.poisoning.SpectralSignatures;
import org.botsec.core.data.Dataset;
import org.botsec.core.model.Mlp;
import org.botsec.report.CheckResult;
import org.botsec.report.Threshold;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * A poisoning scan of the training data: spectral signatures (Tran, Li, Madry 2018; needs an MLP's hidden
 * representation) flag the rows that stand out in their class, and the attribution detector looks for a small set of
 * features that explanations of many predictions concentrate on (a possible backdoor trigger). The check fails
 * when the attribution detector reports a trigger; spectral signatures flag a fixed share by construction and are
 * reported for review, not judged.
 */
public final class PoisoningScanCheck implements AuditCheck {
    public static final String ID = "poisoning.scan";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Poisoning scan of the training data";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of(new AuditConfig.Setting("expected_poison_rate", 0.05, 0.001, 0.5,
                "share of each class the spectral detector assumes poisoned (it flags 1.5 times that)"));
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        if (ctx.text().isPresent()) {
            return CheckResult.notApplicable(ID, title(), "Not yet for text models: the detectors read numeric "
                    + "features or an MLP's hidden layer.");
        }
        if (ctx.train().isEmpty()) {
            return CheckResult.notApplicable(ID, title(), "Needs the training data (--train-data).");
        }
        Dataset train = ctx.train().get();
        List<PoisonDetector> detectors = new ArrayList<>();
        if (ctx.model() instanceof Mlp) {
            detectors.add(new SpectralSignatures(s.get("expected_poison_rate")));
        }
        detectors.add(new AttributionConcentration(train.numFeatures(), ctx.seed()));
        String name = ctx.subject().trainData().orElse("training data");
        List<Detection> found = PoisonScan.run(name, train, ctx.model(), detectors);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("expected_poison_rate", s.get("expected_poison_rate"));
        AttackReport report = PoisonScan.report(name, found, settings, ctx.seed());
        Map<String, Double> metrics = new LinkedHashMap<>(report.metrics());
        double triggers = found.stream().filter(d -> !d.triggerFeatures().isEmpty()).count();
        metrics.put("possible_triggers", triggers);
        Threshold t = new Threshold("possible_triggers", Threshold.Direction.AT_MOST, 0);
        return CheckResult.measured(ID, title(), t, metrics, (ctx.model() instanceof Mlp ? ""
                        : "Spectral signatures need an MLP's hidden layer; only the attribution detector ran. ")
                        + "Flagged rows are in the findings for review.", List.of(), Map.of(), report.findings());
    }
}
