package org.botsec.attack.evasion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.botsec.attack.AttackReport;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
import org.botsec.core.linalg.Matrix;

/**
 * One evasion run: the adversarial inputs, per-row labels and predictions, the metrics, and the settings and seed
 * that replay it. Arrays are copied in and out.
 *
 * @param method                 the attack
 * @param adversarial            adversarial inputs, one row per attacked row
 * @param labels                 true labels
 * @param targets                labels the attack pushed away from (true labels or clean predictions)
 * @param cleanPredictions       the model's predictions on the clean rows
 * @param adversarialPredictions the model's predictions on the adversarial rows
 * @param queries                model evaluations spent per row (gradients for white-box attacks)
 * @param metrics                what was measured
 * @param settings               every setting that shapes the result, JSON-friendly
 * @param seed                   the seed of the random starts or sampling, if any randomness was used
 */
public record EvasionResult(EvasionMethod method, Matrix adversarial, int[] labels, int[] targets,
                            int[] cleanPredictions, int[] adversarialPredictions, long[] queries,
                            EvasionMetrics metrics, Map<String, Object> settings, OptionalLong seed) {

    public EvasionResult {
        Objects.requireNonNull(method, "method");
        adversarial = adversarial.copy();
        labels = labels.clone();
        targets = targets.clone();
        cleanPredictions = cleanPredictions.clone();
        adversarialPredictions = adversarialPredictions.clone();
        queries = queries.clone();
        Objects.requireNonNull(metrics, "metrics");
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        Objects.requireNonNull(seed, "seed");
    }

    @Override
    public Matrix adversarial() {
        return adversarial.copy();
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public int[] targets() {
        return targets.clone();
    }

    @Override
    public int[] cleanPredictions() {
        return cleanPredictions.clone();
    }

    @Override
    public int[] adversarialPredictions() {
        return adversarialPredictions.clone();
    }

    @Override
    public long[] queries() {
        return queries.clone();
    }

    /** Builds a result, computing the metrics from the clean and adversarial inputs. */
    static EvasionResult of(EvasionMethod method, Matrix x, Matrix adversarial, int[] labels, int[] targets,
            int[] clean, int[] advPred, long[] queries, Map<String, Object> settings, OptionalLong seed) {
        EvasionMetrics m = EvasionMetrics.of(x.data(), adversarial.data(), x.cols(), labels, clean, advPred, queries);
        return new EvasionResult(method, adversarial, labels, targets, clean, advPred, queries, m, settings, seed);
    }

    /**
     * The common report: metrics by name, settings, seed and one {@link Finding} (kind EVASION, ATLAS "Evade AI
     * Model") whose severity follows the success rate: ≥ 50% high, ≥ 10% medium, &gt; 0 low, else info.
     */
    public AttackReport toReport() {
        return new AttackReport("evasion." + method.label(), metrics.asMap(), settings, seed, List.of(finding()));
    }

    /** The finding of this run. */
    public Finding finding() {
        double rate = metrics.successRate();
        Severity severity = AttackReport.evasionSeverity(rate);
        String budget = settings.containsKey("epsilon")
                ? " (" + settings.getOrDefault("norm", "") + " ε = " + (settings.get("epsilon") instanceof Number n
                        ? org.botsec.core.math.Numbers.format(n.doubleValue()) : settings.get("epsilon")) + ")" : "";
        String title = String.format(Locale.ROOT, "%s%s changes the prediction of %d of %d correctly classified "
                + "inputs (%.1f%%)", method.label().toUpperCase(Locale.ROOT), budget, metrics.flipped(),
                metrics.cleanCorrect(), 100 * rate);
        String description = rate > 0
                ? "Small input changes within the stated budget change this model's answers; robust accuracy "
                        + "falls from " + pct(metrics.cleanAccuracy()) + " to " + pct(metrics.robustAccuracy())
                        + ". Consider adversarial training (PGD) or input checks, and re-run this attack to "
                        + "measure the gain."
                : "No correctly classified input changed its prediction under this attack and budget; a "
                        + "stronger attack or budget may still succeed.";
        Finding.Builder b = Finding.builder("attack.evasion." + method.label(), FindingKind.EVASION, severity, title)
                .description(description)
                .score(new Score(rate, Score.Basis.MEASURED_RATE))
                .atlas(AtlasTechnique.EVADE_AI_MODEL)
                .source(method.label());
        for (Map.Entry<String, Double> e : metrics.asMap().entrySet()) {
            b.evidence(e.getKey(), e.getValue());
        }
        List<String> settingNames = new ArrayList<>(settings.keySet());
        for (String k : settingNames) {
            if (!metrics.asMap().containsKey(k)) {
                b.evidence("setting_" + k, settings.get(k));
            }
        }
        return b.build();
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
