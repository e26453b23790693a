package org.botsec.attack.text;

import java.util.ArrayList;
import java.util.Collections;
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

/**
 * One word-level attack run: the adversarial texts, per-text labels and predictions, how many words each text has
 * and how many were changed (and which), the queries spent, and the settings that replay it (the attack is
 * deterministic). Arrays and lists are copied in and out.
 *
 * @param adversarial            the texts after the attack (unchanged where nothing was attacked)
 * @param labels                 true labels
 * @param targets                labels the attack pushed away from
 * @param cleanPredictions       predictions on the original texts
 * @param adversarialPredictions predictions on the adversarial texts
 * @param words                  words (tokens) per original text
 * @param queries                model queries per text
 * @param changes                the words changed in each text, in the order they were changed
 * @param settings               every setting that shapes the result
 */
public record WordAttackResult(List<String> adversarial, int[] labels, int[] targets, int[] cleanPredictions,
                               int[] adversarialPredictions, int[] words, long[] queries,
                               List<List<WordChange>> changes, Map<String, Object> settings) {
    public WordAttackResult {
        adversarial = List.copyOf(adversarial);
        labels = labels.clone();
        targets = targets.clone();
        cleanPredictions = cleanPredictions.clone();
        adversarialPredictions = adversarialPredictions.clone();
        words = words.clone();
        queries = queries.clone();
        changes = changes.stream().map(List::copyOf).toList();
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(settings, "settings")));
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
    public int[] words() {
        return words.clone();
    }

    @Override
    public long[] queries() {
        return queries.clone();
    }

    /** Words changed in text i. */
    public int wordsChanged(int i) {
        return changes.get(i).size();
    }

    /**
     * The metrics by their JSON names: {@code clean_accuracy}, {@code robust_accuracy}, {@code success_rate} (share
     * of correctly classified texts whose prediction changed), {@code mean_words_changed} and
     * {@code mean_fraction_changed} over the flipped texts, {@code max_words_changed}, and queries.
     */
    public Map<String, Double> metrics() {
        int n = labels.length;
        int correct = 0;
        int robust = 0;
        int flipped = 0;
        double words = 0;
        double fraction = 0;
        int maxWords = 0;
        double q = 0;
        long maxQ = 0;
        for (int i = 0; i < n; i++) {
            q += queries[i];
            maxQ = Math.max(maxQ, queries[i]);
            maxWords = Math.max(maxWords, wordsChanged(i));
            if (adversarialPredictions[i] == labels[i]) {
                robust++;
            }
            if (cleanPredictions[i] == labels[i]) {
                correct++;
                if (adversarialPredictions[i] != cleanPredictions[i]) {
                    flipped++;
                    words += wordsChanged(i);
                    fraction += (double) wordsChanged(i) / Math.max(1, this.words[i]);
                }
            }
        }
        double dn = Math.max(1, n);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("clean_accuracy", correct / dn);
        m.put("robust_accuracy", robust / dn);
        m.put("success_rate", correct == 0 ? 0.0 : (double) flipped / correct);
        m.put("rows", (double) n);
        m.put("clean_correct", (double) correct);
        m.put("flipped", (double) flipped);
        m.put("mean_words_changed", flipped == 0 ? 0.0 : words / flipped);
        m.put("mean_fraction_changed", flipped == 0 ? 0.0 : fraction / flipped);
        m.put("max_words_changed", (double) maxWords);
        m.put("mean_queries", q / dn);
        m.put("max_queries", (double) maxQ);
        return m;
    }

    /** The common report ({@code evasion.text}) with one EVASION finding; no seed (the attack is deterministic). */
    public AttackReport toReport() {
        return new AttackReport("evasion.text", metrics(), settings, OptionalLong.empty(), List.of(finding()));
    }

    /** The finding of this run: severity by success rate (≥ 50% high, ≥ 10% medium, &gt; 0 low, else info). */
    public Finding finding() {
        Map<String, Double> m = metrics();
        double rate = m.get("success_rate");
        Severity severity = AttackReport.evasionSeverity(rate);
        String title = String.format(Locale.ROOT, "changing at most %s words (%s) flips %d of %d correctly "
                + "classified texts (%.1f%%)", settings.get("max_words"), settings.get("edits"),
                m.get("flipped").intValue(), m.get("clean_correct").intValue(), 100 * rate);
        String description = rate > 0
                ? String.format(Locale.ROOT, "A few word edits (on average %.1f words, %.1f%% of a text) change this "
                        + "model's answers. Consider training on edited texts, spelling normalisation before the "
                        + "model, or a model less reliant on single words.", m.get("mean_words_changed"),
                        100 * m.get("mean_fraction_changed"))
                : "No correctly classified text changed its prediction under this attack and budget.";
        Finding.Builder b = Finding.builder("attack.evasion.text", FindingKind.EVASION, severity, title)
                .description(description)
                .score(new Score(rate, Score.Basis.MEASURED_RATE))
                .atlas(AtlasTechnique.EVADE_AI_MODEL)
                .source("text");
        for (Map.Entry<String, Double> e : m.entrySet()) {
            b.evidence(e.getKey(), e.getValue());
        }
        for (String k : new ArrayList<>(settings.keySet())) {
            b.evidence("setting_" + k, settings.get(k));
        }
        return b.build();
    }
}
