package org.botsec.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.botsec.cli.CliRun;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.TextClassifier;
import org.botsec.explain.Explanation;
import org.botsec.explain.LimeTextExplainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path dir;

    /**
     * The text bots: accuracy is the saved model's on the fixed test split; the DP one's ε is the composed total of
     * DP-SGD (N = 2400, B = 64, σ = 1.2, ceil(30·2400/64) = 1125 steps at δ = 1e-5, from the accountant) and the DP
     * vocabulary (ε = 2 at δ = 1e-5), δ adding up to 2e-5.
     */
    private static void checkTextModel(JsonNode m, Path file) {
        TextClassifier t = (TextClassifier) ModelFiles.load(file);
        org.botsec.core.data.TextDataset test = Builtins.loadText("sentiment_sentences", Split.TEST);
        Evaluation e = Evaluation.of(test.y(), t.predictProba(test.texts()), test.classNames());
        assertEquals(e.accuracy(), m.get("accuracy").asDouble(), 1e-12);
        if (!m.get("model").asText().endsWith("--dp")) {
            assertTrue(e.accuracy() > 0.8, "text accuracy " + e.accuracy());
            return;
        }
        // measured 0.668-0.692 with these settings (the DP vocabulary keeps about 80 words); chance is 0.5
        assertTrue(e.accuracy() > 0.6, "DP text accuracy " + e.accuracy());
        CliRun eps = CliRun.run("privacy", "epsilon", "--sample-size", "2400", "--batch-size", "64",
                "--noise-multiplier", "1.2", "--steps", "1125", "--delta", "1e-5", "--json");
        assertEquals(eps.json().get("epsilon").asDouble() + 2.0, m.get("epsilon").asDouble(), 1e-9);
        assertEquals(2e-5, m.get("delta").asDouble(), 1e-18);
        org.botsec.core.prov.PrivacyGuarantee g = ((org.botsec.core.model.TextPipeline) t).linearModel().provenance()
                .orElseThrow().privacy().orElseThrow();
        assertEquals(2, g.components().size(), g.toString());
        assertTrue(g.noise().secure());
    }

    @Test
    void demoModelsExplanationAndGuardVerdictsAreReproducible() {
        Path outDir = dir.resolve("demo");
        CliRun r = CliRun.run("demo", "--out-dir", outDir.toString(), "--json", "-q");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals(8, j.get("models").size());
        // the closing audit: the three bots (text, credit, diagnosis), each without and with DP, side by side
        Path report = Path.of(j.get("audit").get("report").asText());
        assertTrue(Files.isRegularFile(report), report.toString());
        JsonNode rj;
        try {
            rj = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.resolveSibling("report.json").toFile());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(6, rj.get("audits").size());
        JsonNode textAudit = rj.get("audits").get(0);
        assertEquals("text_logistic_regression", textAudit.at("/subject/model_type").asText());
        JsonNode guardCheck = null;
        for (JsonNode c : textAudit.get("checks")) {
            if (c.get("id").asText().equals("guard.policy")) {
                guardCheck = c;
            }
        }
        assertTrue(guardCheck.get("status").asText().matches("pass|fail"), guardCheck.toString());
        assertEquals(1.0, guardCheck.at("/metrics/injection_block_rate").asDouble(), 0.0, "default policy");
        JsonNode dpAudit = rj.get("audits").get(3);
        assertTrue(dpAudit.get("subject").get("model_file").asText().endsWith("credit_g_logreg_dp.safetensors"));
        double claimed = dpAudit.get("subject").get("privacy").get("epsilon").asDouble();
        assertTrue(dpAudit.at("/subject/privacy/holds_end_to_end").asBoolean(), "public bounds, not private stats");
        JsonNode privacy = j.at("/audit/privacy");
        assertEquals(3, privacy.size(), privacy.toString());
        assertEquals("credit_g_logreg_dp.safetensors", privacy.get(1).get("model").asText(), privacy.toString());
        assertEquals(claimed, privacy.get(1).get("claimed_epsilon").asDouble(), 0.0);
        for (JsonNode pa : privacy) {
            assertTrue(pa.get("empirical_epsilon_lower_bound").asDouble() >= 0);
        }
        // each bot without and with DP: the accuracies are the trained models', the advantages the audit's
        JsonNode bots = j.at("/audit/bots");
        assertEquals(List.of("customer-service text bot", "diagnosis bot", "credit bot"),
                java.util.stream.StreamSupport.stream(bots.spliterator(), false).map(b -> b.get("bot").asText())
                        .toList());
        for (JsonNode b : bots) {
            JsonNode plain = null;
            JsonNode dp = null;
            for (JsonNode m : j.get("models")) {
                plain = m.get("name").asText().equals(b.get("model").asText()) ? m : plain;
                dp = m.get("name").asText().equals(b.get("dp_model").asText()) ? m : dp;
            }
            assertEquals(plain.get("accuracy").asDouble(), b.get("accuracy").asDouble(), 0.0);
            assertEquals(dp.get("accuracy").asDouble(), b.get("dp_accuracy").asDouble(), 0.0);
            assertEquals(dp.get("epsilon").asDouble(), b.get("claimed_epsilon").asDouble(), 0.0);
            for (String k : List.of("membership_advantage", "dp_membership_advantage")) {
                double a = b.get(k).asDouble();
                assertTrue(a >= 0 && a <= 1, b.toString());
            }
        }
        assertEquals(j.get("audit").get("passed").asBoolean(), rj.get("passed").asBoolean());
        for (JsonNode m : j.get("models")) {
            Path file = Path.of(m.get("path").asText());
            assertTrue(Files.isRegularFile(file), file.toString());
            if (m.get("model").asText().startsWith("text-logreg")) {
                checkTextModel(m, file);
                continue;
            }
            // the reported accuracy is the saved model's accuracy on the data set's fixed test split
            Classifier c = (Classifier) ModelFiles.load(file);
            String name = m.get("data").asText().substring("builtin:".length());
            Dataset test = Builtins.load(name, Split.TEST);
            Evaluation e = Evaluation.of(test.y(), c.predictProba(test.x()), test.classNames());
            assertEquals(e.accuracy(), m.get("accuracy").asDouble(), 1e-12, name);
            boolean dp = m.get("model").asText().endsWith("--dp");
            if (name.equals("credit_g")) {
                // credit_g's test split is 70% "good": both credit bots must beat always answering "good"; the
                // DP one (ε ≈ 6.0, SecureRandom noise) measured 0.715-0.755 here, the non-private one 0.78
                assertTrue(e.accuracy() > 0.7, name + " accuracy " + e.accuracy());
            } else if (name.equals("breast_cancer")) {
                // the DP diagnosis bot (ε ≈ 5.2, SecureRandom noise) measured 0.938-0.956 here, the non-private 0.9735
                assertTrue(e.accuracy() > (dp ? 0.9 : 0.95), name + " accuracy " + e.accuracy());
            } else {
                // the DP MLP (ε ≈ 4.3, SecureRandom noise, not replayable) measured 0.92-0.94 here; 0.8 leaves margin
                assertTrue(e.accuracy() > (dp ? 0.8 : 0.9), name + " accuracy " + e.accuracy());
            }
            assertEquals(dp, m.has("epsilon"), m.toString());
            if (dp && name.equals("breast_cancer")) {
                // N = 456, B = 64, σ = 1.8, ceil(20·456/64) = 143 steps
                CliRun eps = CliRun.run("privacy", "epsilon", "--sample-size", "456", "--batch-size", "64",
                        "--noise-multiplier", "1.8", "--steps", "143", "--delta", "1e-5", "--json");
                assertEquals(eps.json().get("epsilon").asDouble(), m.get("epsilon").asDouble(), 1e-12);
                assertTrue(((org.botsec.core.model.LinearModel) c).provenance().orElseThrow().privacy().orElseThrow()
                        .notCovered().isEmpty(), "published bounds, not private statistics");
            } else if (dp && name.equals("credit_g")) {
                // N = 800, B = 64, σ = 1.5, ceil(30·800/64) = 375 steps
                CliRun eps = CliRun.run("privacy", "epsilon", "--sample-size", "800", "--batch-size", "64",
                        "--noise-multiplier", "1.5", "--steps", "375", "--delta", "1e-5", "--json");
                assertEquals(eps.json().get("epsilon").asDouble(), m.get("epsilon").asDouble(), 1e-12);
            } else if (dp) {
                // the ε it prints is the accountant's for N = 1438, B = 128, σ = 2, ceil(30·1438/128) = 338 steps
                CliRun eps = CliRun.run("privacy", "epsilon", "--sample-size", "1438", "--batch-size", "128",
                        "--noise-multiplier", "2.0", "--steps", "338", "--delta", "1e-5", "--json");
                assertEquals(eps.json().get("epsilon").asDouble(), m.get("epsilon").asDouble(), 1e-12);
                assertEquals(1e-5, m.get("delta").asDouble(), 0.0);
                org.botsec.core.prov.PrivacyGuarantee g = ((org.botsec.core.model.Mlp) ModelFiles.load(file))
                        .provenance().orElseThrow().privacy().orElseThrow();
                assertTrue(g.noise().secure());
                assertEquals(m.get("epsilon").asDouble(), g.epsilon(), 0.0);
            }
        }
        JsonNode p = j.get("prediction");
        assertEquals("The movie was awesome!", p.get("text").asText());
        TextClassifier t = (TextClassifier) ModelFiles.load(outDir.resolve("sentiment_text_logreg.safetensors"));
        Matrix proba = t.predictProba(List.of("The movie was awesome!"));
        assertEquals(proba.get(0, 1), p.get("probabilities").get("positive").asDouble(), 1e-15);
        // scikit-learn's TF-IDF + LogisticRegression (all 3,000 sentences) gives P(positive) = 0.752 (golden
        // lime_text_case.json); trained on the 80% split the model must still call it positive
        assertEquals("positive", p.get("label").asText());

        // the explanation is LIME's for that model, replayed here with the seed the demo reports
        JsonNode ex = j.get("explanation");
        Explanation expected = LimeTextExplainer.builder().classNames(t.classNames())
                .seed(ex.get("seed").asLong()).build()
                .explainInstance("The movie was awesome!", t::predictProba, 10);
        assertEquals(expected.asList().size(), ex.get("weights").size());
        for (int i = 0; i < expected.asList().size(); i++) {
            assertEquals(expected.asList().get(i).feature(), ex.get("weights").get(i).get("feature").asText());
            assertEquals(expected.asList().get(i).weight(), ex.get("weights").get(i).get("weight").asDouble(), 1e-12);
        }
        // lime's own run on scikit-learn's model puts "awesome" first with a positive weight (golden
        // lime_text_case.json, weights ≈ +0.40); the demo's model is trained on the 80% split, the sign must hold
        assertEquals("awesome", ex.get("weights").get(0).get("feature").asText());
        assertTrue(ex.get("weights").get(0).get("weight").asDouble() > 0.2, ex.toString());
        assertTrue(Files.isRegularFile(Path.of(ex.get("html").asText())));

        // the default guard policy redacts the card and e-mail and blocks the instruction override
        JsonNode g = j.get("guard");
        assertEquals("redact", g.get(0).get("verdict").asText(), g.toString());
        assertTrue(g.get(0).get("text").asText().contains("<EMAIL>"), g.toString());
        assertTrue(!g.get(0).get("text").asText().contains("4111"), g.toString());
        assertEquals("block", g.get(1).get("verdict").asText(), g.toString());
    }
}
