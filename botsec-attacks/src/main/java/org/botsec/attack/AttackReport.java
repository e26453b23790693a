package org.botsec.attack;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.Severity;

/**
 * What every attack returns, in the shape the CLI prints ({@code {"attack", "metrics", "findings"}}) and the
 * audit report consumes: the attack's name, its measured metrics (snake_case names such as
 * {@code robust_accuracy} or {@code auc}), the settings it ran with, the seed that replays it, and the
 * {@link Finding}s it concluded. Attack-specific detail (adversarial examples, ROC points) lives in each
 * attack's own result record, which can produce this report.
 *
 * @param attack   e.g. {@code evasion.pgd}, {@code membership.lira}
 * @param metrics  measured values, in insertion order
 * @param settings every setting that shapes the result (ε, steps, norm, ...), JSON-friendly
 * @param seed     the seed that replays the run, if it was seeded
 * @param findings what the run concluded
 */
public record AttackReport(String attack, Map<String, Double> metrics, Map<String, Object> settings,
                           OptionalLong seed, List<Finding> findings) {
    public AttackReport {
        Objects.requireNonNull(attack, "attack");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        Objects.requireNonNull(seed, "seed");
        findings = List.copyOf(findings);
    }

    /**
     * The severity of an evasion finding from the attack's success rate: ≥ 50% high, ≥ 10% medium, &gt; 0 low,
     * else info (the one rule for every evasion attack, numeric or text).
     */
    public static Severity evasionSeverity(double successRate) {
        return successRate >= 0.5 ? Severity.HIGH
                : successRate >= 0.1 ? Severity.MEDIUM
                : successRate > 0 ? Severity.LOW : Severity.INFO;
    }
}
