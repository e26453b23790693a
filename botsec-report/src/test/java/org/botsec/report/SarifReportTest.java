package org.botsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.botsec.report.render.SarifReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SarifReportTest {
    @TempDir
    Path dir;

    @Test
    void oneRulePerCheckAndFindingRuleResultsWithLevels() {
        JsonNode log = SarifReport.toJson(Fixtures.report());
        assertEquals("2.1.0", log.get("version").asText());
        JsonNode run = log.get("runs").get(0);
        List<String> rules = new ArrayList<>();
        run.at("/tool/driver/rules").forEach(r -> rules.add(r.get("id").asText()));
        assertEquals(List.of("quality.accuracy", "robustness.pgd", "attack.evasion.pgd", "privacy.membership",
                "attack.membership.threshold", "guard.policy", "guard.sample", "guard.pii.email"), rules);
        // 2 models x (5 checks + 3 findings)
        assertEquals(16, run.get("results").size());
        for (JsonNode r : run.get("results")) {
            assertEquals(r.get("ruleId").asText(), rules.get(r.get("ruleIndex").asInt()));
            assertTrue(r.at("/locations/0/physicalLocation/artifactLocation/uri").asText().endsWith(".safetensors"));
        }
        JsonNode first = run.get("results").get(0);
        assertEquals("pass", first.get("kind").asText());
        // model 1: robust accuracy 0.31 < 0.4 fails; model 2: membership AUC 0.52 <= 0.6 passes
        assertEquals("fail", run.get("results").get(1).get("kind").asText());
        assertEquals("error", run.get("results").get(2).get("level").asText()); // HIGH finding
        assertEquals("ab".repeat(32), run.at("/artifacts/0/hashes/sha-256").asText());
        assertEquals("AML.T0015", run.at("/tool/driver/rules/2/properties/tags/1").asText());
    }

    @Test
    void uriIsARelativeReferenceOrFileUri() {
        Report r = Fixtures.report();
        Report.ModelAudit a = r.audits().get(0);
        Subject odd = new Subject("/tmp/my model#1.safetensors", a.subject().modelSha256(), "mlp", "t",
                Optional.empty(), "d", "00", Optional.empty());
        Report one = new Report(r.schemaVersion(), r.botsecVersion(), r.createdAt(), 1,
                List.of(new Report.ModelAudit(odd, a.checks())));
        assertEquals("file:///tmp/my%20model%231.safetensors",
                SarifReport.toJson(one).at("/runs/0/artifacts/0/location/uri").asText());
    }

    /**
     * Microsoft's SARIF Multitool (npm {@code @microsoft/sarif-multitool} 5.7.0, which .ci/run installs) must find no
     * error in the log. Skipped where the tool is not installed, except under CI, where its absence fails.
     */
    @Test
    void sarifMultitoolFindsNoError() throws IOException, InterruptedException {
        Optional<Path> tool = multitool();
        if (System.getenv("CI") == null) {
            assumeTrue(tool.isPresent(), "sarif-multitool not installed");
        }
        assertTrue(tool.isPresent(), "CI must install @microsoft/sarif-multitool (see .ci/run)");
        Path file = dir.resolve("report.sarif");
        Files.writeString(file, SarifReport.toText(Fixtures.report()), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(tool.get().toString(), "validate", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "multitool did not finish");
        List<String> errors = out.lines().filter(l -> l.contains(": error ")).toList();
        assertEquals(List.of(), errors, out);
        assertEquals(0, p.exitValue(), out);
    }

    static Optional<Path> multitool() {
        String env = System.getenv("SARIF_MULTITOOL");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "sarif-multitool");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
