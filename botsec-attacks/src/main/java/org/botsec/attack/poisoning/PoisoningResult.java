package org.botsec.attack.poisoning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.botsec.attack.AttackReport;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Location;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;

/**
 * The outcome of a {@link PoisoningExperiment}: what the poison did to the model and how well each detector found
 * the poisoned rows.
 *
 * @param method                   how the data was poisoned
 * @param poisonRate               fraction of training rows poisoned
 * @param poisonedRows             number of rows poisoned
 * @param trainRows                training rows
 * @param testRows                 clean test rows
 * @param baselineCleanAccuracy    test accuracy of the same training run on the clean data
 * @param cleanAccuracy            test accuracy of the model trained on the poisoned data
 * @param attackSuccessRate        backdoor: share of triggered test inputs (true class not the target) that the
 *                                 poisoned model assigns to the target class
 * @param baselineAttackSuccessRate the same share for the clean model (what the trigger alone does)
 * @param detections               what each detector flagged, with precision and recall
 * @param settings                 every setting that shapes the result (JSON-friendly)
 * @param seed                     the seed that replays the run
 */
public record PoisoningResult(PoisonMethod method, double poisonRate, int poisonedRows, int trainRows, int testRows,
                              double baselineCleanAccuracy, double cleanAccuracy, OptionalDouble attackSuccessRate,
                              OptionalDouble baselineAttackSuccessRate, List<ScoredDetection> detections,
                              Map<String, Object> settings, long seed) {
    public PoisoningResult {
        detections = List.copyOf(detections);
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * A detection and its quality against the known poisoned rows.
     *
     * @param detection what the detector flagged
     * @param quality   precision and recall
     */
    public record ScoredDetection(Detection detection, DetectionQuality quality) {
    }

    /** clean accuracy lost to the poison (baseline − poisoned). */
    public double cleanAccuracyDrop() {
        return baselineCleanAccuracy - cleanAccuracy;
    }

    /** The common attack report: metrics in snake_case, settings, seed and findings. */
    public AttackReport toReport(String dataset) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("poison_rate", poisonRate);
        metrics.put("poisoned_rows", (double) poisonedRows);
        metrics.put("baseline_clean_accuracy", baselineCleanAccuracy);
        metrics.put("clean_accuracy", cleanAccuracy);
        metrics.put("clean_accuracy_drop", cleanAccuracyDrop());
        attackSuccessRate.ifPresent(v -> metrics.put("attack_success_rate", v));
        baselineAttackSuccessRate.ifPresent(v -> metrics.put("baseline_attack_success_rate", v));
        for (ScoredDetection d : detections) {
            String p = d.detection().detector().cliName().replace('-', '_');
            metrics.put(p + "_flagged", (double) d.quality().flagged());
            metrics.put(p + "_precision", d.quality().precision());
            metrics.put(p + "_recall", d.quality().recall());
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(attackFinding(dataset));
        for (ScoredDetection d : detections) {
            d.detection().toFinding(dataset, Optional.of(d.quality())).ifPresent(findings::add);
        }
        return new AttackReport("poisoning." + method.cliName(), metrics, settings, OptionalLong.of(seed), findings);
    }

    private Finding attackFinding(String dataset) {
        if (method == PoisonMethod.BACKDOOR) {
            double asr = attackSuccessRate.orElse(0);
            Severity s = asr >= 0.5 ? Severity.HIGH : asr >= 0.1 ? Severity.MEDIUM : Severity.LOW;
            return Finding.builder("attack.poisoning.backdoor", FindingKind.BACKDOOR, s, String.format(
                            java.util.Locale.ROOT, "A backdoor in %.1f%% of the training rows succeeds on %.1f%% of "
                                    + "triggered inputs", 100 * poisonRate, 100 * asr))
                    .description("Training on data with a small planted trigger patch made the model predict the "
                            + "attacker's class whenever the patch is present, while clean accuracy barely moved. "
                            + "Control where training data comes from and run the poisoning detectors on it.")
                    .location(new Location.Artifact(dataset))
                    .score(new Score(asr, Score.Basis.MEASURED_RATE))
                    .atlas(AtlasTechnique.INSERT_BACKDOOR_TRIGGER)
                    .source("backdoor")
                    .evidence("attack_success_rate", asr)
                    .evidence("baseline_attack_success_rate", baselineAttackSuccessRate.orElse(0))
                    .evidence("clean_accuracy_drop", cleanAccuracyDrop())
                    .evidence("poison_rate", poisonRate)
                    .build();
        }
        double drop = cleanAccuracyDrop();
        Severity s = drop >= 0.1 ? Severity.HIGH : drop >= 0.02 ? Severity.MEDIUM : Severity.LOW;
        return Finding.builder("attack.poisoning.label-flip", FindingKind.DATA_POISONING, s, String.format(
                        java.util.Locale.ROOT, "Flipping %.1f%% of the training labels costs %.1f points of test "
                                + "accuracy", 100 * poisonRate, 100 * drop))
                .description("Randomly relabelled training rows lowered the model's clean accuracy by this much. "
                        + "Check label quality and where training data comes from.")
                .location(new Location.Artifact(dataset))
                .score(new Score(Math.max(0, Math.min(1, drop)), Score.Basis.MEASURED_RATE))
                .atlas(AtlasTechnique.POISON_TRAINING_DATA)
                .source("label-flip")
                .evidence("clean_accuracy_drop", drop)
                .evidence("baseline_clean_accuracy", baselineCleanAccuracy)
                .evidence("clean_accuracy", cleanAccuracy)
                .evidence("poison_rate", poisonRate)
                .build();
    }
}
