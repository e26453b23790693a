package org.botsec.cli.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.botsec.cli.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path config;

    @BeforeAll
    static void train() throws Exception {
        model = dir.resolve("bc.safetensors");
        assertEquals(0, CliRun.run("train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out",
                model.toString(), "-q").code());
        config = dir.resolve("audit.yaml");
        Files.writeString(config, "seed: 5\nchecks:\n  privacy.membership:\n    rows: 100\n"
                + "  explanation.stability:\n    rows: 3\n    num_samples: 500\n    min_stability: 0.2\n  poisoning.scan:\n    enabled: false\n");
    }

    private static CliRun audit(Path out, String... extra) {
        String[] base = {"audit", "--model", model.toString(), "--data", "builtin:breast_cancer:test", "--train-data",
                "builtin:breast_cancer:train", "--config", config.toString(), "--out", out.toString(), "-q"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.run(all);
    }

    @Test
    void writesFourFilesAndTheSameSeedGivesTheSameNumbers() throws Exception {
        CliRun a = audit(dir.resolve("a"), "--json");
        assertEquals(0, a.code(), a.toString());
        JsonNode j = a.json();
        assertTrue(j.get("passed").asBoolean());
        for (String f : new String[] {"report.html", "report.json", "report.sarif", "report.stix.json"}) {
            assertTrue(Files.size(dir.resolve("a").resolve(f)) > 500, f);
        }
        // tabular data: robustness checks do not apply and say why
        assertEquals("not_applicable", j.at("/audits/0/checks/1/status").asText());
        assertEquals(0, audit(dir.resolve("b")).code());
        ObjectMapper m = new ObjectMapper();
        ObjectNode ra = (ObjectNode) m.readTree(dir.resolve("a/report.json").toFile());
        ObjectNode rb = (ObjectNode) m.readTree(dir.resolve("b/report.json").toFile());
        ra.remove("created_at");
        rb.remove("created_at");
        assertEquals(ra, rb, "same seed and inputs, same report");
        assertEquals(5, ra.get("seed").asLong());
    }

    @Test
    void aFailedThresholdExitsThreeAndStillWritesTheReport() throws Exception {
        Path strict = dir.resolve("strict.yaml");
        Files.writeString(strict, "checks:\n  quality.accuracy:\n    min_accuracy: 0.999\n  poisoning.scan:\n"
                + "    enabled: false\n  explanation.stability:\n    enabled: false\n  privacy.membership:\n    rows: 50\n");
        CliRun r = CliRun.run("audit", "--model", model.toString(), "--data", "builtin:breast_cancer:test",
                "--config", strict.toString(), "--out", dir.resolve("c").toString(), "-q");
        assertEquals(ExitCode.THRESHOLD_FAILED, r.code(), r.toString());
        assertTrue(r.err().contains("quality.accuracy"), r.err());
        assertTrue(Files.exists(dir.resolve("c/report.sarif")));
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        bad("is a file, not a folder", "--out", file.toString());
        bad("--tlp must be white, green, amber or red, got purple", "--out", dir.resolve("d").toString(), "--tlp",
                "purple");
        Path unknown = Files.writeString(dir.resolve("u.yaml"), "checks:\n  robustness.magic: {}\n");
        bad("unknown check robustness.magic", "--out", dir.resolve("e").toString(), "--config", unknown.toString());
        bad("has no column", "--out", dir.resolve("f").toString(), "--data", "builtin:digits8x8:test");
        assertFalse(Files.exists(dir.resolve("d")));
        assertFalse(Files.exists(dir.resolve("e")));
    }

    @Test
    void selfTestsAGuardPolicyFromTheFlagOrTheConfig() throws Exception {
        // a policy that only redacts PII: it blocks no injection, so the self-test fails the audit
        Path policy = Files.writeString(dir.resolve("pii-only.yaml"), "version: 1\nscanners:\n  - scanner: pii\n"
                + "    action: redact\n");
        Path quick = Files.writeString(dir.resolve("quick.yaml"), "checks:\n  privacy.membership:\n    enabled: false\n"
                + "  explanation.stability:\n    enabled: false\n  poisoning.scan:\n    enabled: false\n");
        CliRun r = CliRun.run("audit", "--model", model.toString(), "--data", "builtin:breast_cancer:test",
                "--config", quick.toString(), "--policy", policy.toString(), "--out", dir.resolve("g").toString(),
                "-q", "--json");
        assertEquals(ExitCode.THRESHOLD_FAILED, r.code(), r.toString());
        JsonNode guard = null;
        for (JsonNode c : r.json().at("/audits/0/checks")) {
            if (c.get("id").asText().equals("guard.policy")) {
                guard = c;
            }
        }
        assertEquals("fail", guard.get("status").asText());
        assertEquals(0.0, guard.get("measured").asDouble());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("g/report.json").toFile());
        assertTrue(report.toString().contains("AML.T0051"), "the missed injections cite LLM Prompt Injection");
        assertTrue(Files.readString(dir.resolve("g/report.sarif")).contains("audit.guard.injection-missed"));

        Path withPolicy = Files.writeString(dir.resolve("with-policy.yaml"), "policy: pii-only.yaml\n"
                + Files.readString(quick));
        CliRun fromConfig = CliRun.run("audit", "--model", model.toString(), "--data", "builtin:breast_cancer:test",
                "--config", withPolicy.toString(), "--out", dir.resolve("g2").toString(), "-q");
        assertEquals(ExitCode.THRESHOLD_FAILED, fromConfig.code(), fromConfig.toString());
        assertTrue(fromConfig.out().contains("guard.policy"), fromConfig.out());

        bad("not-there.yaml", "--out", dir.resolve("g3").toString(), "--policy",
                dir.resolve("not-there.yaml").toString());
        assertFalse(Files.exists(dir.resolve("g3")));
    }

    @Test
    void auditsATextModel() throws Exception {
        Path text = dir.resolve("sentiment.safetensors");
        assertEquals(0, CliRun.run("train", "--data", "builtin:sentiment_sentences", "--model", "text-logreg", "--out",
                text.toString(), "-q").code());
        CliRun r = CliRun.run("audit", "--model", text.toString(), "--data", "builtin:sentiment_sentences:test",
                "--train-data", "builtin:sentiment_sentences:train", "--config", config.toString(), "--out",
                dir.resolve("text").toString(), "-q", "--json");
        assertTrue(r.code() == 0 || r.code() == ExitCode.THRESHOLD_FAILED, r.toString());
        java.util.Map<String, String> status = new java.util.HashMap<>();
        r.json().at("/audits/0/checks").forEach(c -> status.put(c.get("id").asText(), c.get("status").asText()));
        assertEquals("pass", status.get("quality.accuracy"), r.out());
        assertEquals("not_applicable", status.get("robustness.pgd"));
        assertTrue(status.get("robustness.word_level").matches("pass|fail"), r.out());
        assertTrue(status.get("privacy.membership").matches("pass|fail"), r.out());
        assertTrue(status.get("explanation.stability").matches("pass|fail"), r.out());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("text/report.json").toFile());
        assertEquals("text_logistic_regression", report.at("/audits/0/subject/model_type").asText());
        CliRun wrongData = CliRun.run("audit", "--model", text.toString(), "--data", "builtin:breast_cancer:test",
                "--out", dir.resolve("text2").toString(), "-q");
        assertEquals(ExitCode.BAD_INPUT, wrongData.code(), wrongData.toString());
        assertTrue(wrongData.err().contains("is a numeric data set, not text"), wrongData.err());
    }

    private static void bad(String expected, String... args) {
        String[] base = {"audit", "--model", model.toString(), "--data", "builtin:breast_cancer:test", "-q"};
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(base));
        for (int i = 0; i < args.length; i += 2) {
            int at = all.indexOf(args[i]);
            if (at >= 0) {
                all.set(at + 1, args[i + 1]);
            } else {
                all.add(args[i]);
                all.add(args[i + 1]);
            }
        }
        CliRun r = CliRun.run(all.toArray(String[]::new));
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
