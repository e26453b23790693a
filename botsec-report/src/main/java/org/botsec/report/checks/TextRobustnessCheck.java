package org.botsec.report.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.botsec.attack.text.WordAttack;
import org.botsec.attack.text.WordAttackResult;
import org.botsec.core.data.TextDataset;
import org.botsec.core.finding.Finding;
import org.botsec.report.CheckResult;
import org.botsec.report.Threshold;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * Word-level robustness of a text model: the share of correctly classified audit texts whose answer flips when the
 * word attack of botsec-attacks ({@link WordAttack}: words ranked by deletion, then deleted or replaced by
 * vocabulary words one edit away) may change at most {@code max_words} words. Substitutes are chosen by spelling,
 * not meaning, so the figure measures sensitivity to typos and dropped words, not to paraphrases. Numeric models are
 * covered by {@code robustness.pgd} and {@code robustness.few_pixel}.
 */
public final class TextRobustnessCheck implements AuditCheck {
    public static final String ID = "robustness.word_level";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Word-level robustness (text models)";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of(new AuditConfig.Setting("max_words", 3, 1, 100, "words the attack may change per text"),
                new AuditConfig.Setting("rows", 100, 5, 10000, "audit texts attacked"),
                new AuditConfig.Setting("max_success_rate", 0.5, 0, 1,
                        "largest acceptable share of correctly classified texts flipped"));
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        if (ctx.text().isEmpty()) {
            return CheckResult.notApplicable(ID, title(), "Text models only; robustness.pgd covers numeric models.");
        }
        AuditContext.TextInputs t = ctx.text().get();
        TextDataset rows = Sampling.texts(t.data(), s.getInt("rows"), ctx.seed() + 5);
        WordAttackResult r = WordAttack.builder().maxWords(s.getInt("max_words")).build()
                .run(t.model(), rows.texts(), rows.y());
        Map<String, Double> metrics = new LinkedHashMap<>(r.metrics());
        Threshold threshold = new Threshold("success_rate", Threshold.Direction.AT_MOST, s.get("max_success_rate"));
        List<Finding> findings = new ArrayList<>();
        if (metrics.get("success_rate") > 0) {
            findings.add(r.finding());
        }
        return CheckResult.measured(ID, title(), threshold, metrics, String.format(Locale.ROOT,
                "%d texts, at most %d words changed each (deletions and one-edit vocabulary swaps); flipped texts "
                        + "needed %.1f words on average.", rows.size(), s.getInt("max_words"),
                metrics.get("mean_words_changed")), List.of(), Map.of(), findings);
    }
}
