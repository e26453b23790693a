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
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Location;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
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
 * reported for review, not judged. Text models get {@link TextPoisonScan} on their training texts instead (backdoor
 * keyword identification, Chen and Dai 2021), which fails the check when it flags a word.
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
                        "share of each class the spectral detector assumes poisoned (it flags 1.5 times that)"),
                new AuditConfig.Setting("min_relabelled_share", TextPoisonScan.DEFAULT_MIN_RELABELLED_SHARE, 0.05, 1,
                        "text: share of a word's texts that must change class without the word to flag it"),
                new AuditConfig.Setting("min_purity", TextPoisonScan.DEFAULT_MIN_PURITY, 0, 1,
                        "text: share of the texts containing a flagged word that carry its group's label"));
    }

    /** The rule ID of the text scan's findings. */
    public static final String TEXT_RULE_ID = "attack.poisoning.detect.text-keyword";

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        if (ctx.text().isPresent()) {
            return runText(ctx, s);
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

    /**
     * Text training data: {@link TextPoisonScan} (backdoor keyword identification, Chen and Dai 2021) on the training
     * texts. The words themselves stay out of the report (they come from the training texts); the findings name the
     * rows.
     */
    private CheckResult runText(AuditContext ctx, AuditConfig.Section s) {
        if (ctx.text().get().train().isEmpty()) {
            return CheckResult.notApplicable(ID, title(), "Needs the training texts (--train-data).");
        }
        org.botsec.core.data.TextDataset train = ctx.text().get().train().get();
        TextPoisonScan.Result r = new TextPoisonScan(TextPoisonScan.DEFAULT_CANDIDATES_PER_CLASS,
                TextPoisonScan.DEFAULT_MIN_GROUP_ROWS, s.get("min_relabelled_share"), s.get("min_purity")).scan(train);
        String name = ctx.subject().trainData().orElse("training data");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("candidate_words", (double) r.candidatesTested());
        metrics.put("possible_triggers", (double) r.keywords().size());
        metrics.put("flagged_rows", (double) r.flaggedRows().length);
        metrics.put("flagged_fraction", r.flaggedRows().length / (double) Math.max(1, r.rowsScanned()));
        List<Finding> findings = new ArrayList<>();
        int k = 0;
        for (TextPoisonScan.Keyword w : r.keywords()) {
            k++;
            findings.add(Finding.builder(TEXT_RULE_ID, FindingKind.BACKDOOR, Severity.HIGH,
                            "Possible backdoor trigger word " + k + ": " + w.rows().length + " training texts labelled '"
                                    + w.className() + "' owe their label to it")
                    .description("Removing one word moves most of these texts to another class, and the word occurs "
                            + "(almost) only in texts with this label, as a planted trigger whose texts had their "
                            + "labels flipped would. Inspect the rows; retrain without them if the word does not "
                            + "belong to their meaning.")
                    .location(new Location.DataRows(name, java.util.Arrays.stream(w.rows()).boxed().toList()))
                    .score(new Score(w.relabelledShare(), Score.Basis.MEASURED_RATE))
                    .atlas(AtlasTechnique.INSERT_BACKDOOR_TRIGGER)
                    .source("text-keyword")
                    .evidence("flagged_rows", w.rows().length)
                    .evidence("relabelled_share", w.relabelledShare())
                    .evidence("purity", w.purity())
                    .build());
        }
        Threshold t = new Threshold("possible_triggers", Threshold.Direction.AT_MOST, 0);
        return CheckResult.measured(ID, title(), t, metrics, "Backdoor keyword scan of the training texts (Chen and "
                + "Dai 2021) on a TF-IDF logistic regression the scan fits itself: " + r.candidatesTested()
                + " candidate words tested. Flagged rows are in the findings for review; the words are not written "
                + "into the report.", List.of(), Map.of(), findings);
    }
}
