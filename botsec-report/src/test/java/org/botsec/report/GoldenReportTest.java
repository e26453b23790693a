package org.botsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.data.TextDataset;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextPipeline;
import org.botsec.guard.GuardPipeline;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;
import org.botsec.report.audit.AuditRunner;
import org.botsec.report.audit.Checks;
import org.botsec.report.audit.GuardUnderTest;
import org.botsec.report.render.ReportJson;
import org.botsec.report.render.StixBundle;
import org.botsec.report.stix.StixValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The golden report: a seeded audit of a diagnosis bot (breast_cancer logistic regression, with a privacy-claim
 * fixture so that the privacy checks appear) and a customer-service text bot (sentiment_sentences TF-IDF model, with
 * the default guard policy), whose {@code report.json} is compared field by field with the committed
 * {@code golden/report-<schema version>.json}. Only {@code created_at} and {@code botsec_version} are fixed before
 * rendering (they change with every run and release); everything else must match: every key in the same place,
 * every string equal, every number within 1e-9 + 1e-6 relative (BLAS builds may differ in the last bits).
 *
 * <p>A difference in keys means the JSON form changed: bump {@link Report#SCHEMA_VERSION}, document it in
 * docs/report.md and write the new version's golden file. A difference in values under the same version is a
 * regression. Regenerating is refused while the current version's file exists:
 * {@code mvn -B -o -pl botsec-report -am test -Dtest=GoldenReportTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbotsec.golden.write=true} writes {@code src/test/resources/org/botsec/report/golden/report-VERSION.json} only
 * for a version that has none.
 */
class GoldenReportTest {
    static final String WRITE_PROPERTY = "botsec.golden.write";
    static final Instant FIXED_TIME = Instant.parse("2026-12-03T00:00:00Z");
    static final String FIXED_VERSION = "golden";
    static final long SEED = 11;
    static final String CONFIG = "{\"seed\": 11, \"checks\": {"
            + "\"privacy.membership\": {\"rows\": 100}, \"privacy.audit\": {\"rows\": 100},"
            + "\"poisoning.scan\": {\"enabled\": false},"
            + "\"explanation.stability\": {\"rows\": 3, \"num_samples\": 500}}}";

    static Report report;

    @BeforeAll
    static void audit() throws IOException {
        AuditRunnerTest.fit();
        TextDataset textTrain = Builtins.loadText("sentiment_sentences", Split.TRAIN);
        TextDataset textTest = Builtins.loadText("sentiment_sentences", Split.TEST);
        TextPipeline text = TextPipeline.fit(textTrain, LogisticRegression.builder().standardize(false).build());
        Subject diagnosis = new Subject("diagnosis.safetensors", "00".repeat(32), "logistic_regression",
                "logistic_regression/lbfgs", Optional.of(Fixtures.guarantee()), "builtin:breast_cancer:test",
                AuditRunnerTest.test.sha256(), Optional.of("builtin:breast_cancer:train"));
        Subject service = new Subject("customer-service.safetensors", "11".repeat(32), TextPipeline.TYPE,
                "logistic_regression/lbfgs", Optional.empty(), "builtin:sentiment_sentences:test", textTest.sha256(),
                Optional.of("builtin:sentiment_sentences:train"));
        List<AuditCheck> checks = Checks.all();
        AuditConfig config = AuditConfig.parse(new ObjectMapper().readTree(CONFIG), checks, 0, "golden");
        List<AuditContext> contexts = List.of(
                new AuditContext(diagnosis, AuditRunnerTest.model, AuditRunnerTest.test,
                        Optional.of(AuditRunnerTest.train), config.seed()),
                AuditContext.forText(service, text, textTest, Optional.of(textTrain), config.seed())
                        .withGuard(new GuardUnderTest("default policy", "", GuardPipeline.defaults())));
        Report r = new AuditRunner(checks, config).run(contexts, (c, n) -> { });
        report = new Report(r.schemaVersion(), FIXED_VERSION, FIXED_TIME, r.seed(), r.audits());
    }

    static String goldenName() {
        return "report-" + Report.SCHEMA_VERSION + ".json";
    }

    @Test
    void reportJsonMatchesTheGoldenFileFieldByField() throws IOException {
        ObjectNode actual = ReportJson.toJson(report);
        if (Boolean.getBoolean(WRITE_PROPERTY)) {
            Path file = Path.of(System.getProperty("basedir", System.getProperty("user.dir")),
                    "src/test/resources/org/botsec/report/golden", goldenName());
            if (Files.exists(file)) {
                fail("golden " + file + " exists for schema version " + Report.SCHEMA_VERSION + ": regenerate only for "
                        + "a new schema version (bump Report.SCHEMA_VERSION when the JSON form changes); a change of "
                        + "values under the same version is a regression to fix, not to record");
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, ReportJson.toText(report), StandardCharsets.UTF_8);
            System.out.println("wrote " + file);
            return;
        }
        JsonNode golden;
        try (InputStream in = GoldenReportTest.class.getResourceAsStream("golden/" + goldenName())) {
            assertNotNull(in, "no golden report for schema version " + Report.SCHEMA_VERSION + ": a new schema version "
                    + "needs one; write it with -D" + WRITE_PROPERTY + "=true (see this class)");
            golden = new ObjectMapper().readTree(in);
        }
        assertEquals(Report.SCHEMA_VERSION, golden.get("schema_version").asText(),
                "the golden file's name and its schema_version disagree");
        Differences d = compare(golden, actual);
        if (!d.structure.isEmpty()) {
            fail("the JSON form changed without a schema version bump (" + Report.SCHEMA_VERSION + "): "
                    + String.join("; ", d.structure) + ". Bump Report.SCHEMA_VERSION, document the change in "
                    + "docs/report.md and write the new version's golden file.");
        }
        if (!d.values.isEmpty()) {
            fail("report values differ from the golden file under the same schema version " + Report.SCHEMA_VERSION
                    + " (a regression): " + String.join("; ", d.values.subList(0, Math.min(20, d.values.size()))));
        }
    }

    @Test
    void theGoldenAuditCoversTextGuardAndPrivacyChecksAndRendersValidly() {
        Map<String, CheckResult.Status> diagnosis = statuses(report.audits().get(0));
        Map<String, CheckResult.Status> service = statuses(report.audits().get(1));
        assertEquals(CheckResult.Status.PASS, diagnosis.get("quality.accuracy"));
        assertTrue(diagnosis.get("privacy.audit") != CheckResult.Status.NOT_APPLICABLE);
        assertEquals(CheckResult.Status.NOT_APPLICABLE, diagnosis.get("guard.policy"));
        assertEquals(CheckResult.Status.PASS, service.get("quality.accuracy"));
        assertTrue(service.get("guard.policy") != CheckResult.Status.NOT_APPLICABLE);
        assertTrue(service.get("robustness.word_level") != CheckResult.Status.NOT_APPLICABLE);
        assertEquals(List.of(), StixValidator.validate(StixBundle.toJson(report, StixBundle.Tlp.AMBER)));
    }

    @Test
    void theComparisonTellsAStructureChangeFromAValueChange() {
        ObjectNode a = ReportJson.toJson(report);
        assertTrue(compare(a, ReportJson.toJson(report)).isEmpty());
        ObjectNode renamed = a.deepCopy();
        ((ObjectNode) renamed.get("audits").get(0)).set("verdict", renamed.get("audits").get(0).get("passed"));
        ((ObjectNode) renamed.get("audits").get(0)).remove("passed");
        Differences d = compare(a, renamed);
        assertFalse(d.structure.isEmpty(), "a renamed key is a change of form");
        ObjectNode changed = a.deepCopy();
        ObjectNode metrics = (ObjectNode) changed.at("/audits/0/checks/0/metrics");
        metrics.put("accuracy", metrics.get("accuracy").asDouble() + 1e-3);
        d = compare(a, changed);
        assertTrue(d.structure.isEmpty());
        assertEquals(1, d.values.size(), d.values.toString());
        assertTrue(d.values.get(0).startsWith("/audits/0/checks/0/metrics/accuracy"), d.values.toString());
        ObjectNode tiny = a.deepCopy();
        ((ObjectNode) tiny.at("/audits/0/checks/0/metrics")).put("accuracy",
                metrics.get("accuracy").asDouble() - 1e-3 + 1e-13);
        assertTrue(compare(a, tiny).isEmpty(), "last-bit differences are within tolerance");
    }

    private static Map<String, CheckResult.Status> statuses(Report.ModelAudit a) {
        Map<String, CheckResult.Status> m = new java.util.HashMap<>();
        a.checks().forEach(c -> m.put(c.id(), c.status()));
        return m;
    }

    /** Differences of form (keys, types, array lengths) and of values, each with its JSON pointer. */
    static final class Differences {
        final List<String> structure = new ArrayList<>();
        final List<String> values = new ArrayList<>();

        boolean isEmpty() {
            return structure.isEmpty() && values.isEmpty();
        }
    }

    static Differences compare(JsonNode expected, JsonNode actual) {
        Differences d = new Differences();
        walk(expected, actual, "", d);
        return d;
    }

    private static void walk(JsonNode e, JsonNode a, String at, Differences d) {
        if (e.isNumber() && a.isNumber()) {
            double x = e.asDouble();
            double y = a.asDouble();
            if (!(Math.abs(x - y) <= 1e-9 + 1e-6 * Math.max(Math.abs(x), Math.abs(y)))) {
                d.values.add(at + ": " + x + " became " + y);
            }
            return;
        }
        if (e.getNodeType() != a.getNodeType()) {
            // null where a value was (or the reverse) is a value change; another type is a change of form
            if (e.isNull() || a.isNull()) {
                d.values.add(at + ": " + e + " became " + a);
            } else {
                d.structure.add(at + ": " + e.getNodeType() + " became " + a.getNodeType());
            }
            return;
        }
        if (e.isObject()) {
            List<String> ek = names(e);
            List<String> ak = names(a);
            if (!ek.equals(ak)) {
                d.structure.add((at.isEmpty() ? "/" : at) + ": keys " + ek + " became " + ak);
                return;
            }
            for (String k : ek) {
                walk(e.get(k), a.get(k), at + "/" + k, d);
            }
        } else if (e.isArray()) {
            if (e.size() != a.size()) {
                d.values.add(at + ": " + e.size() + " entries became " + a.size());
                return;
            }
            for (int i = 0; i < e.size(); i++) {
                walk(e.get(i), a.get(i), at + "/" + i, d);
            }
        } else if (!e.equals(a)) {
            d.values.add(at + ": " + e + " became " + a);
        }
    }

    private static List<String> names(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
