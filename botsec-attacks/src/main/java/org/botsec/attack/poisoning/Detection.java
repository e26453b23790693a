package org.botsec.attack.poisoning;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Location;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;

/**
 * What a {@link PoisonDetector} flagged.
 *
 * @param detector        which detector
 * @param flaggedRows     flagged training rows, ascending, copied
 * @param rowsScanned     training rows it looked at
 * @param triggerFeatures feature indices of a suspected trigger (attribution detector; empty otherwise)
 * @param settings        the detector's settings, JSON-friendly
 * @param details         per-class or per-feature measurements behind the decision, JSON-friendly
 */
public record Detection(DetectorKind detector, int[] flaggedRows, int rowsScanned, List<Integer> triggerFeatures,
                        Map<String, Object> settings, Map<String, Object> details) {
    public Detection {
        flaggedRows = flaggedRows.clone();
        Arrays.sort(flaggedRows);
        triggerFeatures = List.copyOf(triggerFeatures);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    @Override
    public int[] flaggedRows() {
        return flaggedRows.clone();
    }

    /**
     * The finding a report shows: the flagged rows as {@link Location.DataRows}, with precision and recall in the
     * evidence when the truth is known. No finding (empty) when nothing was flagged.
     *
     * @param dataset the training set's name or path
     * @param quality precision and recall against the known poisoned rows, if known
     */
    public Optional<Finding> toFinding(String dataset, Optional<DetectionQuality> quality) {
        if (flaggedRows.length == 0) {
            return Optional.empty();
        }
        boolean trigger = !triggerFeatures.isEmpty();
        double fraction = flaggedRows.length / (double) Math.max(rowsScanned, 1);
        Finding.Builder b = Finding.builder(detector.ruleId(),
                        trigger ? FindingKind.BACKDOOR : FindingKind.DATA_POISONING,
                        trigger ? Severity.HIGH : Severity.MEDIUM,
                        trigger ? "Possible backdoor trigger: attributions concentrate on " + triggerFeatures.size()
                                + " features" : detector.cliName() + " flags " + flaggedRows.length
                                + " training rows as possibly poisoned")
                .description(trigger
                        ? "Many predictions are explained mostly by the same few features, as a planted trigger "
                        + "would be. Inspect the flagged rows and those features; retrain without the rows if they "
                        + "carry a patch that does not belong to the data."
                        : "These training rows stand out in the model's learned representation of their class, as "
                        + "poisoned rows do. Inspect them; retrain without them if they are mislabelled or carry "
                        + "an unexpected pattern.")
                .location(new Location.DataRows(dataset, Arrays.stream(flaggedRows).boxed().toList()))
                .score(new Score(fraction, Score.Basis.MEASURED_RATE))
                .atlas(trigger ? AtlasTechnique.INSERT_BACKDOOR_TRIGGER : AtlasTechnique.POISON_TRAINING_DATA)
                .source(detector.cliName())
                .evidence("flagged_rows", flaggedRows.length)
                .evidence("rows_scanned", rowsScanned)
                .evidence("flagged_fraction", fraction);
        if (trigger) {
            b.evidence("trigger_features", triggerFeatures);
        }
        quality.ifPresent(q -> b.evidence("precision", q.precision()).evidence("recall", q.recall())
                .evidence("poisoned_rows", q.poisoned()));
        return Optional.of(b.build());
    }
}
