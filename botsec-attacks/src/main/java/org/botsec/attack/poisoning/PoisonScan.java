package org.botsec.attack.poisoning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.botsec.attack.AttackReport;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.finding.Finding;
import org.botsec.core.model.Classifier;

/**
 * Scans a user's own training set and the model trained on it for poisoned rows, without knowing which rows (if
 * any) were poisoned: runs each detector and turns its flags into {@link Finding}s with the flagged rows.
 */
public final class PoisonScan {
    private PoisonScan() {
    }

    /**
     * @param dataset   the training set's name or path (for the findings' locations)
     * @param train     the training set, with the labels the model was trained on
     * @param model     the model trained on it
     * @param detectors the detectors to run (at least one)
     * @return the detections, in the order of {@code detectors}
     */
    public static List<Detection> run(String dataset, Dataset train, Classifier model, List<PoisonDetector> detectors) {
        if (detectors.isEmpty()) {
            throw BadInputException.of("a poisoning scan needs at least one detector");
        }
        if (train.numFeatures() != model.numFeatures()) {
            throw BadInputException.of("%s has %d features, the model expects %d", dataset, train.numFeatures(),
                    model.numFeatures());
        }
        if (!train.classNames().equals(model.classNames())) {
            throw BadInputException.of("%s has classes %s, the model has %s", dataset, train.classNames(),
                    model.classNames());
        }
        List<Detection> out = new ArrayList<>();
        for (PoisonDetector d : detectors) {
            out.add(d.detect(train, model));
        }
        return out;
    }

    /** The common report of a scan: flagged counts as metrics, one finding per detector that flagged rows. */
    public static AttackReport report(String dataset, List<Detection> detections, Map<String, Object> settings,
                                      long seed) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        for (Detection d : detections) {
            String p = d.detector().cliName().replace('-', '_');
            metrics.put(p + "_flagged", (double) d.flaggedRows().length);
            metrics.put(p + "_flagged_fraction", d.flaggedRows().length / (double) Math.max(1, d.rowsScanned()));
            d.toFinding(dataset, Optional.empty()).ifPresent(findings::add);
        }
        Map<String, Object> s = new LinkedHashMap<>(settings);
        s.put("detectors", detections.stream().map(d -> d.detector().cliName()).toList());
        return new AttackReport("poisoning.scan", metrics, s, OptionalLong.of(seed), findings);
    }
}
