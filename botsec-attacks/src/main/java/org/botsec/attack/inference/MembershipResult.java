package org.botsec.attack.inference;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.botsec.attack.AttackReport;
import org.botsec.attack.audit.EpsilonLowerBound;
import org.botsec.attack.inference.metrics.Roc;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;

/**
 * What a membership inference attack measured.
 *
 * @param method          the attack
 * @param scores          its score for every candidate
 * @param roc             the ROC of those scores
 * @param epsilonBound    the empirical ε lower bound the scores imply
 * @param settings        every setting that shaped the result, JSON-friendly
 * @param seed            the seed that replays it (shadow models, splits), if any
 */
public record MembershipResult(MembershipMethod method, MembershipScores scores, Roc roc,
                               EpsilonLowerBound epsilonBound, Map<String, Object> settings, OptionalLong seed) {

    public MembershipResult {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    public double auc() {
        return roc.auc();
    }

    /** TPR at 1% FPR. */
    public double tprAt1PctFpr() {
        return roc.tprAtFpr(0.01);
    }

    /** TPR at 0.1% FPR. */
    public double tprAt01PctFpr() {
        return roc.tprAtFpr(0.001);
    }

    /** How serious an AUC is: chance (0.5) is INFO, 0.6 MEDIUM, 0.8 HIGH. */
    static Severity severity(double auc) {
        if (auc >= 0.8) {
            return Severity.HIGH;
        }
        if (auc >= 0.6) {
            return Severity.MEDIUM;
        }
        if (auc >= 0.55) {
            return Severity.LOW;
        }
        return Severity.INFO;
    }

    /** The common report: metrics {@code auc}, {@code tpr_at_1pct_fpr}, {@code tpr_at_0_1pct_fpr}, {@code empirical_epsilon_lower_bound}. */
    public AttackReport toReport() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("auc", auc());
        metrics.put("tpr_at_1pct_fpr", tprAt1PctFpr());
        metrics.put("tpr_at_0_1pct_fpr", tprAt01PctFpr());
        metrics.put("empirical_epsilon_lower_bound", epsilonBound.epsilon());
        metrics.put("members", (double) epsilonBound.positives());
        metrics.put("non_members", (double) epsilonBound.negatives());
        Finding f = Finding.builder("attack.membership." + method.label(), FindingKind.MEMBERSHIP_INFERENCE,
                        severity(auc()), String.format(Locale.ROOT,
                                "Membership inference (%s): AUC %.3f, TPR %.3f at 1%% FPR", method.label(), auc(),
                                tprAt1PctFpr()))
                .description("An attacker who sees the model's outputs can tell training records from other records "
                        + "better than chance. AUC 0.5 is chance. Train with differential privacy (botsec train --dp), "
                        + "regularise more, or expose labels instead of probabilities.")
                .score(new Score(Math.max(0, Math.min(1, auc())), Score.Basis.MEASURED_RATE))
                .atlas(AtlasTechnique.INFER_TRAINING_DATA_MEMBERSHIP)
                .evidence("auc", auc())
                .evidence("tpr_at_1pct_fpr", tprAt1PctFpr())
                .evidence("tpr_at_0_1pct_fpr", tprAt01PctFpr())
                .evidence("empirical_epsilon_lower_bound", epsilonBound.epsilon())
                .evidence("delta", epsilonBound.delta())
                .evidence("confidence", epsilonBound.confidence())
                .source("membership." + method.label())
                .build();
        return new AttackReport("membership." + method.label(), metrics, settings, seed, List.of(f));
    }
}
