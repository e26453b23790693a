package org.botsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextPipeline;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;
import org.botsec.report.audit.AuditRunner;
import org.botsec.report.audit.Checks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A customer-service text bot (TF-IDF + logistic regression on the shipped sentiment_sentences) audited through the
 * text-number view. References: the pipeline's own predictions on the texts (accuracy), and a brute-force
 * Mann–Whitney count over every member/non-member pair of log-probabilities of the true class (membership AUC).
 */
class TextAuditTest {
    static TextDataset train;
    static TextDataset test;
    static TextPipeline model;

    @BeforeAll
    static void fit() {
        train = Builtins.loadText("sentiment_sentences", Split.TRAIN);
        test = Builtins.loadText("sentiment_sentences", Split.TEST);
        model = TextPipeline.fit(train, LogisticRegression.builder().standardize(false).build());
    }

    static AuditContext context(long seed) {
        Subject s = new Subject("sentiment.safetensors", "00", TextPipeline.TYPE, "lbfgs", Optional.empty(),
                "builtin:sentiment_sentences:test", test.sha256(), Optional.of("builtin:sentiment_sentences:train"));
        return AuditContext.forText(s, model, test, Optional.of(train), seed);
    }

    @Test
    void auditsATextModelWithTheChecksThatApply() {
        List<AuditCheck> checks = Checks.all();
        AuditConfig config = AuditConfig.parse(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(Map.of("checks",
                Map.of("privacy.membership", Map.of("rows", 100000),
                        "explanation.stability", Map.of("rows", 4, "num_samples", 1000)))), checks, 3, "test");
        Report r = new AuditRunner(checks, config).run(List.of(context(3)), (c, n) -> { });
        Map<String, CheckResult> byId = r.audits().get(0).checks().stream()
                .collect(Collectors.toMap(CheckResult::id, c -> c));
        for (String na : List.of("robustness.pgd", "robustness.few_pixel",
                "privacy.claim", "privacy.audit")) {
            assertEquals(CheckResult.Status.NOT_APPLICABLE, byId.get(na).status(), na);
        }
        // the clean training texts: no trigger word (TextPoisonScanTest measures the scan itself)
        CheckResult scan = byId.get("poisoning.scan");
        assertEquals(CheckResult.Status.PASS, scan.status(), scan.summary());
        assertEquals(0.0, scan.metrics().get("possible_triggers"));
        assertTrue(scan.metrics().get("candidate_words") > 0, scan.metrics().toString());
        // the word attack ran on 100 sampled texts: flipped texts are among the correctly classified ones
        CheckResult words = byId.get("robustness.word_level");
        assertTrue(words.status() != CheckResult.Status.NOT_APPLICABLE, words.summary());
        assertEquals(100.0, words.metrics().get("rows"));
        assertTrue(words.metrics().get("flipped") <= words.metrics().get("clean_correct"), words.metrics().toString());
        assertEquals(words.metrics().get("flipped") / words.metrics().get("clean_correct"),
                words.metrics().get("success_rate"), 1e-12);

        Matrix p = model.predictProba(test.texts());
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            right += p.get(i, test.y()[i]) > p.get(i, 1 - test.y()[i]) ? 1 : 0;
        }
        assertEquals((double) right / test.size(), byId.get("quality.accuracy").metrics().get("accuracy"), 1e-12);
        assertTrue(right > 0.7 * test.size(), "sentiment model learned something: " + right);

        // every row on both sides: the AUC must equal the brute-force pair count exactly
        double[] in = logTrue(model.predictProba(train.texts()), train.y());
        double[] out = logTrue(p, test.y());
        double wins = 0;
        for (double a : in) {
            for (double b : out) {
                wins += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }
        double auc = wins / ((double) in.length * out.length);
        assertEquals(auc, byId.get("privacy.membership").metrics().get("auc"), 1e-9);
        assertTrue(auc > 0.55, "an unregularised TF-IDF model remembers its sentences: AUC " + auc);
        // Yeom et al.'s advantage max over thresholds of TPR - FPR, by brute force over every threshold
        double best = 0;
        for (double[] side : List.of(in, out)) {
            for (double t : side) {
                double tpr = java.util.Arrays.stream(in).filter(v -> v >= t).count() / (double) in.length;
                double fpr = java.util.Arrays.stream(out).filter(v -> v >= t).count() / (double) out.length;
                best = Math.max(best, tpr - fpr);
            }
        }
        assertEquals(best, byId.get("privacy.membership").metrics().get("advantage"), 1e-12);

        CheckResult lime = byId.get("explanation.stability");
        assertTrue(lime.summary().startsWith("LIME text"), lime.summary());
        assertEquals(4.0, lime.metrics().get("rows"));
        double stability = lime.metrics().get("stability");
        assertTrue(stability > 0 && stability <= 1, lime.toString());
    }

    /**
     * A text bot trained on poisoned texts (1% of the training sentences: a trigger word added to negative ones,
     * labelled positive; TextPoisonScanTest.poison): the scan fails the check, its finding names exactly the poisoned
     * rows, and the word itself is nowhere in the report.
     */
    @Test
    void aPlantedTriggerFailsThePoisoningScanWithThePoisonedRowsAndWithoutTheWord() throws Exception {
        TextPoisonScanTest.Poisoned p = TextPoisonScanTest.poison(train, 0.01, "tq", 0, 1, 7);
        TextPipeline poisoned = TextPipeline.fit(p.data(), LogisticRegression.builder().standardize(false).build());
        Subject s = new Subject("poisoned.safetensors", "00", TextPipeline.TYPE, "lbfgs", Optional.empty(),
                "builtin:sentiment_sentences:test", test.sha256(), Optional.of("poisoned.csv"));
        List<AuditCheck> checks = List.of(new org.botsec.report.checks.PoisoningScanCheck());
        AuditConfig config = AuditConfig.parse(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                Map.of("checks", Map.of())), checks, 3, "test");
        Report r = new AuditRunner(checks, config).run(List.of(AuditContext.forText(s, poisoned, test,
                Optional.of(p.data()), 3)), (c, n) -> { });
        CheckResult scan = r.audits().get(0).checks().get(0);
        assertEquals(CheckResult.Status.FAIL, scan.status(), scan.summary());
        assertEquals(1.0, scan.metrics().get("possible_triggers"));
        assertEquals(1, scan.findings().size());
        org.botsec.core.finding.Location.DataRows rows =
                (org.botsec.core.finding.Location.DataRows) scan.findings().get(0).location().orElseThrow();
        assertEquals(new java.util.TreeSet<>(p.rows()), new java.util.TreeSet<>(rows.rows()));
        String json = org.botsec.report.render.ReportJson.toText(r);
        assertTrue(!json.matches("(?s).*\\btq\\b.*"), "the trigger word leaked into report.json");
    }

    private static double[] logTrue(Matrix p, int[] y) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Math.log(p.get(i, y[i]));
        }
        return out;
    }
}
