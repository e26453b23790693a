package org.botsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;
import org.botsec.report.audit.AuditOutput;
import org.botsec.report.audit.AuditRunner;
import org.botsec.report.checks.AccuracyCheck;
import org.botsec.report.checks.ExplanationStabilityCheck;
import org.botsec.report.checks.PrivacyClaimCheck;
import org.botsec.report.render.ReportJson;
import org.botsec.report.render.StixBundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditRunnerTest {
    static final List<AuditCheck> CHECKS = List.of(new AccuracyCheck(), new PrivacyClaimCheck(),
            new ExplanationStabilityCheck());
    static Dataset train;
    static Dataset test;
    static LinearModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void fit() {
        train = Builtins.load("breast_cancer", Split.TRAIN);
        test = Builtins.load("breast_cancer", Split.TEST);
        model = LogisticRegression.builder().standardize(true).build().fit(train);
    }

    static AuditContext context(Optional<org.botsec.core.prov.PrivacyGuarantee> claim, long seed) {
        Subject s = new Subject("bc.safetensors", "00", "logistic_regression", "lbfgs", claim,
                "builtin:breast_cancer:test", test.sha256(), Optional.of("builtin:breast_cancer:train"));
        return new AuditContext(s, model, test, Optional.of(train), seed);
    }

    @Test
    void auditsWithDefaultsAndReplaysWithTheSameSeed() {
        AuditConfig config = AuditConfig.defaults(CHECKS, 7);
        Report a = new AuditRunner(CHECKS, config).run(List.of(context(Optional.empty(), 7)), (c, n) -> { });
        Report b = new AuditRunner(CHECKS, config).run(List.of(context(Optional.empty(), 7)), (c, n) -> { });
        List<CheckResult> checks = a.audits().get(0).checks();
        assertEquals(List.of("quality.accuracy", "privacy.claim", "explanation.stability"),
                checks.stream().map(CheckResult::id).toList());
        assertEquals(CheckResult.Status.PASS, checks.get(0).status());
        assertTrue(checks.get(0).metrics().get("accuracy") > 0.93);
        assertEquals(CheckResult.Status.NOT_APPLICABLE, checks.get(1).status());
        double stability = checks.get(2).metrics().get("stability");
        assertTrue(stability > 0.3 && stability <= 1, checks.get(2).toString());
        assertEquals(stability >= 0.6 ? CheckResult.Status.PASS : CheckResult.Status.FAIL, checks.get(2).status());
        assertEquals(stability >= 0.6, checks.get(2).findings().isEmpty());
        ObjectNode ja = ReportJson.toJson(a);
        ObjectNode jb = ReportJson.toJson(b);
        ja.remove("created_at");
        jb.remove("created_at");
        assertEquals(ja, jb, "same seed, same numbers");
    }

    @Test
    void aDifferentSeedSamplesOtherRows() {
        AuditConfig config = AuditConfig.defaults(CHECKS, 7);
        Report a = new AuditRunner(CHECKS, config).run(List.of(context(Optional.empty(), 7)), (c, n) -> { });
        Report b = new AuditRunner(CHECKS, config).run(List.of(context(Optional.empty(), 8)), (c, n) -> { });
        assertFalse(a.audits().get(0).checks().get(2).summary().equals(b.audits().get(0).checks().get(2).summary())
                && a.audits().get(0).checks().get(2).metrics().equals(b.audits().get(0).checks().get(2).metrics()));
    }

    @Test
    void privacyClaimFailsWhenSeededOrTooLarge() {
        AuditConfig config = AuditConfig.parse(yaml("checks:\n  privacy.claim:\n    max_epsilon: 2\n"
                + "  explanation.stability:\n    enabled: false\n"), CHECKS, 1, "test");
        Report r = new AuditRunner(CHECKS, config).run(List.of(context(Optional.of(Fixtures.guarantee()), 1)),
                (c, n) -> { });
        CheckResult claim = r.audits().get(0).checks().get(1);
        assertEquals(CheckResult.Status.FAIL, claim.status(), claim.toString()); // 3.2 > 2
        assertEquals(2, r.audits().get(0).checks().size(), "disabled check did not run");
        assertFalse(r.passed());
    }

    @Test
    void configErrorsAreOneLineEach() {
        assertMessage("checks:\n  robustness.magic: {}\n", "unknown check robustness.magic");
        assertMessage("checks:\n  quality.accuracy:\n    min_acc: 0.5\n", "has no setting min_acc");
        assertMessage("checks:\n  quality.accuracy:\n    min_accuracy: 1.5\n", "must be in [0.0, 1.0], got 1.5");
        assertMessage("checks:\n  quality.accuracy:\n    min_accuracy: high\n", "must be a number");
        assertMessage("checks:\n  quality.accuracy:\n    enabled: 1\n", "enabled must be true or false");
        assertMessage("seed: 1.5\n", "seed must be a whole number");
        assertMessage("colour: red\n", "unknown key colour");
        assertMessage("policy: [a, b]\n", "policy must be the path of a guard policy file");
    }

    @Test
    void configFileErrorsNameTheFile() throws IOException {
        Path f = dir.resolve("audit.yaml");
        Files.writeString(f, "checks: [unclosed\n");
        BadInputException e = assertThrows(BadInputException.class, () -> AuditConfig.read(f, CHECKS, 1));
        assertTrue(e.getMessage().contains("is not valid YAML"), e.getMessage());
        assertThrows(BadInputException.class, () -> AuditConfig.read(dir.resolve("missing.yaml"), CHECKS, 1));
    }

    @Test
    void outputWritesFourFilesOrNothing() throws IOException {
        Report r = Fixtures.report();
        Path out = dir.resolve("audit");
        AuditOutput.write(r, out, StixBundle.Tlp.AMBER);
        for (String f : AuditOutput.FILES) {
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        }
        AuditOutput.write(r, out, StixBundle.Tlp.AMBER); // over an existing report
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("audit"), s.map(p -> p.getFileName().toString()).toList(), "no temporary folder left");
        }
        Path file = dir.resolve("plain.txt");
        Files.writeString(file, "x");
        assertTrue(assertThrows(BadInputException.class, () -> AuditOutput.write(r, file, StixBundle.Tlp.AMBER))
                .getMessage().contains("is a file, not a folder"));
        assertTrue(assertThrows(BadInputException.class, () -> AuditOutput.write(r, dir.resolve("no/such/dir"),
                StixBundle.Tlp.AMBER)).getMessage().contains("does not exist"));
    }

    private static void assertMessage(String yaml, String expected) {
        BadInputException e = assertThrows(BadInputException.class,
                () -> AuditConfig.parse(yaml(yaml), CHECKS, 1, "test.yaml"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    private static com.fasterxml.jackson.databind.JsonNode yaml(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
