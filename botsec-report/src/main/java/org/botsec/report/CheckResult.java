package org.botsec.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.botsec.core.finding.Finding;

/**
 * One check of an audit and what it measured: its status against its threshold, its metrics, the charts it
 * wants drawn, images (PNG bytes, e.g. adversarial examples) and the findings it concluded.
 *
 * @param id        stable dotted ID, e.g. {@code robustness.pgd}; SARIF's rule ID for the check
 * @param title     one line for the score card
 * @param status    pass, fail, not applicable (with the reason in {@code summary}) or error
 * @param threshold the rule that decides pass or fail, if the check has one
 * @param metrics   measured values by snake_case name, in insertion order
 * @param summary   one or two sentences for humans
 * @param series    chart lines
 * @param images    PNG images by caption, in insertion order (copied)
 * @param findings  what the check concluded
 */
public record CheckResult(String id, String title, Status status, Optional<Threshold> threshold,
                          Map<String, Double> metrics, String summary, List<Series> series,
                          Map<String, byte[]> images, List<Finding> findings) {

    /** A check's outcome. */
    public enum Status {
        PASS, FAIL, NOT_APPLICABLE, ERROR;

        /** Lower-case name for JSON and HTML. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CheckResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(threshold, "threshold");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        Objects.requireNonNull(summary, "summary");
        series = List.copyOf(series);
        Map<String, byte[]> copy = new LinkedHashMap<>();
        images.forEach((k, v) -> copy.put(k, v.clone()));
        images = Collections.unmodifiableMap(copy);
        findings = List.copyOf(findings);
    }

    /**
     * A measured check: its status follows from the threshold and the metric it names (missing or NaN fails).
     */
    public static CheckResult measured(String id, String title, Threshold threshold, Map<String, Double> metrics,
                                       String summary, List<Series> series, Map<String, byte[]> images,
                                       List<Finding> findings) {
        Double v = metrics.get(threshold.metric());
        Status status = v != null && threshold.passes(v) ? Status.PASS : Status.FAIL;
        return new CheckResult(id, title, status, Optional.of(threshold), metrics, summary, series, images, findings);
    }

    /** A check that does not apply to this model or data; {@code reason} says why. */
    public static CheckResult notApplicable(String id, String title, String reason) {
        return new CheckResult(id, title, Status.NOT_APPLICABLE, Optional.empty(), Map.of(), reason, List.of(),
                Map.of(), List.of());
    }

    /** The measured value of the threshold's metric, if there is a threshold and the metric was measured. */
    public Optional<Double> measuredValue() {
        return threshold.map(t -> metrics.get(t.metric()));
    }
}
