package org.botsec.cli.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The privacy-attack commands end to end: JSON shape, CI gates (exit 3), bad input (exit 2, one line). */
class PrivacyAttackCommandsTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void train() {
        model = dir.resolve("cancer.safetensors");
        CliRun r = CliRun.run("train", "--data", "builtin:breast_cancer:train", "--model", "logreg", "--out",
                model.toString());
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void membershipThresholdJson() {
        CliRun r = CliRun.run("attack", "membership", "--model", model.toString(), "--members",
                "builtin:breast_cancer:train", "--non-members", "builtin:breast_cancer:test", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("membership.threshold", j.get("attack").asText());
        double auc = j.get("metrics").get("auc").asDouble();
        assertTrue(auc > 0.3 && auc < 0.8, "a regularised linear model leaks little: " + auc);
        for (String k : new String[] {"tpr_at_1pct_fpr", "tpr_at_0_1pct_fpr", "empirical_epsilon_lower_bound"}) {
            assertTrue(j.get("metrics").has(k), k);
        }
        assertEquals("membership_inference", j.get("findings").get(0).get("kind").asText());
        assertEquals("AML.T0024.000", j.get("findings").get(0).get("atlas").get("id").asText());
    }

    @Test
    void membershipLiraRunsWithShadows() {
        CliRun r = CliRun.run("attack", "membership", "--model", model.toString(), "--members",
                "builtin:breast_cancer:train", "--non-members", "builtin:breast_cancer:test", "--method", "lira",
                "--shadows", "4", "--seed", "3", "--json", "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertEquals("membership.lira_online", r.json().get("attack").asText());
        assertEquals(3, r.json().get("seed").asLong());
    }

    @Test
    void maxAucGateExitsThree() {
        CliRun r = CliRun.run("attack", "membership", "--model", model.toString(), "--members",
                "builtin:breast_cancer:train", "--non-members", "builtin:breast_cancer:test", "--max-auc", "0.01");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("--max-auc"), r.err());
    }

    @Test
    void overlappingMembersExitTwoWithOneLine() {
        CliRun r = CliRun.run("attack", "membership", "--model", model.toString(), "--members",
                "builtin:breast_cancer:train", "--non-members", "builtin:breast_cancer:all");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("overlap"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void unknownMethodExitsTwo() {
        CliRun r = CliRun.run("attack", "membership", "--model", model.toString(), "--members",
                "builtin:breast_cancer:train", "--non-members", "builtin:breast_cancer:test", "--method", "magic");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("magic"), r.err());
    }

    @Test
    void privacyAuditReadsTheClaimFromProvenance() {
        Path dp = dir.resolve("dp.safetensors");
        CliRun t = CliRun.run("train", "--data", "builtin:breast_cancer:train", "--model", "logreg", "--dp",
                "--l2-norm-clip", "1", "--noise-multiplier", "1.0", "--learning-rate", "0.5", "--epochs", "5",
                "--batch-size", "50", "--delta", "1e-5", "--out", dp.toString());
        assertEquals(0, t.code(), t.toString());
        CliRun r = CliRun.run("attack", "privacy-audit", "--model", dp.toString(), "--members",
                "builtin:breast_cancer:train", "--non-members", "builtin:breast_cancer:test", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("provenance", j.get("settings").get("claim_source").asText());
        assertTrue(j.get("metrics").get("claimed_epsilon").asDouble() > 0);
        assertTrue(j.get("metrics").get("empirical_epsilon_lower_bound").asDouble()
                <= j.get("metrics").get("claimed_epsilon").asDouble(), r.out());
        assertEquals("privacy.audit.claim_consistent", j.get("findings").get(1).get("rule_id").asText());
    }

    @Test
    void privacyAuditBoundAboveClaimExitsThreeLoudly() throws java.io.IOException {
        // Random labels on 60 random features, 100 rows: an unregularised linear model can only memorise them.
        Path mem = dir.resolve("mem.csv");
        Path non = dir.resolve("non.csv");
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (Path p : new Path[] {mem, non}) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < 60; j++) {
                sb.append('f').append(j).append(',');
            }
            sb.append("y\n");
            for (int i = 0; i < 100; i++) {
                for (int j = 0; j < 60; j++) {
                    sb.append(rng.nextGaussian()).append(',');
                }
                sb.append(i % 2 == 0 ? "a" : "b").append('\n');
            }
            java.nio.file.Files.writeString(p, sb.toString());
        }
        Path memorised = dir.resolve("memorised.safetensors");
        // Trained through the library on every member row (the CLI's train keeps 20% of a CSV for testing).
        org.botsec.core.io.ModelFiles.save(org.botsec.core.model.LogisticRegression.builder().c(1e6).build()
                .fit(org.botsec.core.data.DataSources.loadNumeric(mem.toString(), "y")), memorised);
        CliRun r = CliRun.run("attack", "privacy-audit", "--model", memorised.toString(), "--members", mem.toString(),
                "--non-members", non.toString(), "--label", "y", "--claimed-epsilon", "0.01", "--json");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("PRIVACY CLAIM VIOLATED"), r.err());
        assertEquals("critical", r.json().get("findings").get(1).get("severity").asText());
    }

    /** Wiring test: with 20 guesses the bound cannot exceed about 1.8, below this claim; the logic is tested in OneRunAuditTest. */
    @Test
    void oneRunAuditOfDpSgdStaysBelowClaim() {
        CliRun r = CliRun.run("attack", "privacy-audit", "--one-run", "--data", "builtin:breast_cancer:train",
                "--canaries", "100", "--guesses", "10", "--noise-multiplier", "1.0", "--l2-norm-clip", "1",
                "--learning-rate", "0.5", "--batch-size", "50", "--epochs", "5", "--seed", "4", "--json", "--quiet");
        assertEquals(0, r.code(), r.toString());
        JsonNode m = r.json().get("metrics");
        assertEquals(20, m.get("guesses").asInt());
        assertTrue(m.get("empirical_epsilon_lower_bound").asDouble() <= m.get("claimed_epsilon").asDouble(), r.out());
    }

    @Test
    void privacyAuditBadInputExitsTwo() {
        CliRun r = CliRun.run("attack", "privacy-audit", "--one-run", "--data", "builtin:breast_cancer:train",
                "--noise-multiplier", "1", "--canaries", "10", "--guesses", "6");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--guesses"), r.err());
        CliRun none = CliRun.run("attack", "privacy-audit", "--model", model.toString());
        assertEquals(2, none.code(), none.toString());
    }

    @Test
    void extractionCurveJson() {
        CliRun r = CliRun.run("attack", "extraction", "--model", model.toString(), "--queries",
                "builtin:breast_cancer:train", "--test", "builtin:breast_cancer:test", "--budgets", "10,200",
                "--seed", "2", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("extraction.surrogate", j.get("attack").asText());
        assertEquals(2, j.get("curve").size());
        assertTrue(j.get("metrics").get("fidelity").asDouble() > 0.85, r.out());
        assertEquals("AML.T0024.002", j.get("findings").get(0).get("atlas").get("id").asText());
    }

    @Test
    void extractionBudgetZeroAndGateExit() {
        CliRun zero = CliRun.run("attack", "extraction", "--model", model.toString(), "--queries",
                "builtin:breast_cancer:train", "--test", "builtin:breast_cancer:test", "--budgets", "0");
        assertEquals(2, zero.code(), zero.toString());
        assertTrue(zero.err().contains("got 0"), zero.err());
        CliRun gate = CliRun.run("attack", "extraction", "--model", model.toString(), "--queries",
                "builtin:breast_cancer:train", "--test", "builtin:breast_cancer:test", "--budgets", "200",
                "--max-fidelity", "0.1", "--seed", "1");
        assertEquals(3, gate.code(), gate.toString());
    }

    @Test
    void inversionWritesPngPerClass() {
        Path digits = dir.resolve("digits.safetensors");
        CliRun t = CliRun.run("train", "--data", "builtin:digits8x8", "--model", "mlp", "--hidden", "32", "--epochs", "10",
                "--out", digits.toString());
        assertEquals(0, t.code(), t.toString());
        Path out = dir.resolve("inv");
        CliRun r = CliRun.run("attack", "inversion", "--model", digits.toString(), "--classes", "0,7", "--data",
                "builtin:digits8x8:test", "--out-dir", out.toString(), "--seed", "1", "--json", "--quiet");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("inversion.gradient", j.get("attack").asText());
        assertEquals(2, j.get("reconstructions").size());
        for (JsonNode rec : j.get("reconstructions")) {
            assertTrue(java.nio.file.Files.exists(Path.of(rec.get("png").asText())), rec.toString());
            assertTrue(rec.get("confidence").asDouble() > 0.9, rec.toString());
        }
        CliRun bad = CliRun.run("attack", "inversion", "--model", digits.toString(), "--classes", "eleven");
        assertEquals(2, bad.code(), bad.toString());
    }
}
