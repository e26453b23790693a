package org.botsec.report;

import java.time.Instant;
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
import org.botsec.core.prov.PrivacyGuarantee;

/** A report with two audited models (with and without DP), passed and failed checks and several findings. */
final class Fixtures {
    static final String PII_TEXT = "jane.doe@example.com";

    private Fixtures() {
    }

    static Report report() {
        return new Report(Report.SCHEMA_VERSION, "0.1.0-test", Instant.parse("2026-12-03T12:00:00.123456Z"), 42L,
                List.of(audit("credit.safetensors", Optional.empty(), 0.31, 0.81),
                        audit("credit-dp.safetensors", Optional.of(guarantee()), 0.45, 0.52)));
    }

    static PrivacyGuarantee guarantee() {
        return new PrivacyGuarantee(3.2, 1e-5, PrivacyGuarantee.Accountant.RDP, PrivacyGuarantee.Unit.EXAMPLE,
                PrivacyGuarantee.Relation.ADD_REMOVE, PrivacyGuarantee.Sampling.POISSON, 0.064, 780, 1.1, 1.0,
                List.of("model weights"), List.of(), new PrivacyGuarantee.Noise(true, "test generator"),
                List.of(new PrivacyGuarantee.Component("dp-sgd", 3.2, 1e-5, Map.of("steps", 780))));
    }

    static Report.ModelAudit audit(String file, Optional<PrivacyGuarantee> privacy, double robust, double auc) {
        Subject s = new Subject(file, "ab".repeat(32), "mlp", "mlp/adam", privacy, "builtin:credit_g:test",
                "cd".repeat(32), Optional.of("builtin:credit_g:train"));
        Finding evasion = Finding.builder("attack.evasion.pgd", FindingKind.EVASION, Severity.HIGH,
                        "PGD flips most predictions at epsilon 0.1")
                .description("Small input changes flip predictions.")
                .atlas(AtlasTechnique.EVADE_AI_MODEL).score(new Score(1 - robust, Score.Basis.MEASURED_RATE))
                .evidence("robust_accuracy", robust).evidence("epsilon", 0.1).source("pgd").build();
        Finding membership = Finding.builder("attack.membership.threshold", FindingKind.MEMBERSHIP_INFERENCE,
                        Severity.MEDIUM, "Training rows can be told apart from others")
                .atlas(AtlasTechnique.INFER_TRAINING_DATA_MEMBERSHIP)
                .location(new Location.DataRows("builtin:credit_g:train", List.of(1, 2, 3)))
                .evidence("auc", auc).evidence("note", PII_TEXT).source("threshold").build();
        Finding pii = Finding.builder("guard.pii.email", FindingKind.PII, Severity.MEDIUM, "E-mail address")
                .span(10, 30).score(Score.ruleMatch()).atlas(AtlasTechnique.LLM_DATA_LEAKAGE)
                .evidence("entity", "EMAIL").source("pii").build();
        Map<String, Double> accuracy = new LinkedHashMap<>();
        accuracy.put("accuracy", 0.74);
        Map<String, Double> robustness = new LinkedHashMap<>();
        robustness.put("clean_accuracy", 0.74);
        robustness.put("robust_accuracy", robust);
        Map<String, Double> mia = new LinkedHashMap<>();
        mia.put("auc", auc);
        return new Report.ModelAudit(s, List.of(
                CheckResult.measured("quality.accuracy", "Test accuracy",
                        new Threshold("accuracy", Threshold.Direction.AT_LEAST, 0.7), accuracy, "On the test split.",
                        List.of(), Map.of(), List.of()),
                CheckResult.measured("robustness.pgd", "Robust accuracy under PGD",
                        new Threshold("robust_accuracy", Threshold.Direction.AT_LEAST, 0.4), robustness,
                        "L-infinity PGD-40.", List.of(new Series("robustness_curve", "pgd", "epsilon",
                                "robust accuracy", new double[] {0, 0.05, 0.1}, new double[] {0.74, 0.5, robust})),
                        Map.of("adversarial example", new byte[] {(byte) 0x89, 'P', 'N', 'G'}), List.of(evasion)),
                CheckResult.measured("privacy.membership", "Membership inference AUC",
                        new Threshold("auc", Threshold.Direction.AT_MOST, 0.6), mia, "Loss threshold attack.",
                        List.of(), Map.of(), List.of(membership)),
                CheckResult.notApplicable("guard.policy", "Guard policy self-test", "no policy was given"),
                new CheckResult("guard.sample", "Guard sample scan", CheckResult.Status.PASS, Optional.empty(),
                        Map.of(), "One message scanned.", List.of(), Map.of(), List.of(pii))));
    }
}
