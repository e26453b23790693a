package org.botsec.report.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingJson;
import org.botsec.core.finding.Severity;
import org.botsec.report.CheckResult;
import org.botsec.report.Report;
import org.botsec.report.Subject;

/**
 * A {@link Report} as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), the form code-scanning
 * dashboards accept. One run; the tool's rules are one per check (its ID) plus one per finding rule ID; each
 * audited model file is an artifact (with its SHA-256) and the location of every result about it.
 *
 * <ul>
 *   <li>A failed check is a result of kind {@code fail} at level {@code error}; a passed check is kind
 *       {@code pass} (level {@code none}); a check that does not apply is kind {@code notApplicable}.</li>
 *   <li>A finding is a result of kind {@code fail} whose level follows its severity: critical and high →
 *       {@code error}, medium → {@code warning}, low and info → {@code note}.</li>
 * </ul>
 */
public final class SarifReport {
    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    static final String INFORMATION_URI = "https://atlas.mitre.org/";

    private SarifReport() {
    }

    /** The SARIF log as a JSON tree. */
    public static ObjectNode toJson(Report report) {
        ObjectNode root = ReportJson.MAPPER.createObjectNode();
        root.put("$schema", SCHEMA);
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "BotSec");
        driver.put("semanticVersion", report.botsecVersion());
        driver.put("informationUri", INFORMATION_URI);

        Map<String, ObjectNode> rules = new LinkedHashMap<>();
        List<ObjectNode> results = new ArrayList<>();
        ArrayNode artifacts = run.putArray("artifacts");
        int artifactIndex = 0;
        for (Report.ModelAudit audit : report.audits()) {
            Subject s = audit.subject();
            ObjectNode art = artifacts.addObject();
            art.putObject("location").put("uri", uri(s.modelFile()));
            art.putArray("roles").add("analysisTarget");
            art.putObject("hashes").put("sha-256", s.modelSha256());
            for (CheckResult c : audit.checks()) {
                rules.computeIfAbsent(c.id(), id -> checkRule(c));
                results.add(checkResult(c, rules, s, artifactIndex));
                for (Finding f : c.findings()) {
                    rules.computeIfAbsent(f.ruleId(), id -> findingRule(f));
                    results.add(findingResult(f, rules, s, artifactIndex));
                }
            }
            artifactIndex++;
        }
        ArrayNode ruleArray = driver.putArray("rules");
        rules.values().forEach(ruleArray::add);
        ArrayNode resultArray = run.putArray("results");
        results.forEach(resultArray::add);
        ObjectNode inv = run.putArray("invocations").addObject();
        inv.put("executionSuccessful", true);
        inv.put("endTimeUtc", report.createdAt().toString());
        run.putObject("properties").put("seed", report.seed());
        return root;
    }

    /** The SARIF log as pretty-printed text. */
    public static String toText(Report report) {
        try {
            return ReportJson.MAPPER.writeValueAsString(toJson(report)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write SARIF: " + e.getOriginalMessage(), e);
        }
    }

    /** SARIF level for a finding's severity. */
    static String level(Severity s) {
        switch (s) {
            case CRITICAL:
            case HIGH:
                return "error";
            case MEDIUM:
                return "warning";
            default:
                return "note";
        }
    }

    private static ObjectNode checkRule(CheckResult c) {
        ObjectNode r = ReportJson.MAPPER.createObjectNode();
        r.put("id", c.id());
        r.put("name", pascal(c.id()));
        r.putObject("shortDescription").put("text", c.title());
        r.putObject("fullDescription").put("text", c.title()
                + c.threshold().map(t -> ". Passes when " + t + ".").orElse("."));
        r.putObject("defaultConfiguration").put("level", "error");
        r.putObject("properties").putArray("tags").add("botsec-check");
        return r;
    }

    private static ObjectNode findingRule(Finding f) {
        ObjectNode r = ReportJson.MAPPER.createObjectNode();
        r.put("id", f.ruleId());
        r.put("name", pascal(f.ruleId()));
        r.putObject("shortDescription").put("text", f.title());
        r.putObject("fullDescription").put("text", f.description().isEmpty() ? f.title() : f.description());
        r.putObject("defaultConfiguration").put("level", level(f.severity()));
        ArrayNode tags = r.putObject("properties").putArray("tags");
        tags.add(f.kind().label());
        f.atlas().ifPresent(a -> {
            tags.add(a.id());
            r.put("helpUri", "https://atlas.mitre.org/techniques/" + a.id());
        });
        return r;
    }

    private static ObjectNode checkResult(CheckResult c, Map<String, ObjectNode> rules, Subject s, int artifact) {
        ObjectNode r = ReportJson.MAPPER.createObjectNode();
        r.put("ruleId", c.id());
        r.put("ruleIndex", indexOf(rules, c.id()));
        switch (c.status()) {
            case FAIL:
            case ERROR:
                r.put("kind", "fail");
                r.put("level", "error");
                break;
            case PASS:
                r.put("kind", "pass");
                r.put("level", "none");
                break;
            default:
                r.put("kind", "notApplicable");
                r.put("level", "none");
                break;
        }
        String measured = c.threshold().map(t -> String.format(Locale.ROOT, " (%s measured %s, threshold %s %s)",
                t.metric(), c.measuredValue().map(String::valueOf).orElse("nothing"), t.direction().symbol(),
                t.value())).orElse("");
        r.putObject("message").put("text", c.title() + ": " + c.status().label() + measured + ". " + c.summary());
        location(r, s, artifact);
        ObjectNode props = r.putObject("properties");
        ObjectNode metrics = props.putObject("metrics");
        c.metrics().forEach(metrics::put);
        return r;
    }

    private static ObjectNode findingResult(Finding f, Map<String, ObjectNode> rules, Subject s, int artifact) {
        ObjectNode r = ReportJson.MAPPER.createObjectNode();
        r.put("ruleId", f.ruleId());
        r.put("ruleIndex", indexOf(rules, f.ruleId()));
        r.put("kind", "fail");
        r.put("level", level(f.severity()));
        r.putObject("message").put("text", f.title() + (f.description().isEmpty() ? "" : ". " + f.description()));
        location(r, s, artifact);
        r.set("properties", ReportJson.MAPPER.valueToTree(Map.of("finding", FindingJson.toMap(f))));
        return r;
    }

    private static void location(ObjectNode result, Subject s, int artifact) {
        ObjectNode loc = result.putArray("locations").addObject().putObject("physicalLocation")
                .putObject("artifactLocation");
        loc.put("uri", uri(s.modelFile()));
        loc.put("index", artifact);
    }

    private static int indexOf(Map<String, ObjectNode> rules, String id) {
        int i = 0;
        for (String k : rules.keySet()) {
            if (k.equals(id)) {
                return i;
            }
            i++;
        }
        throw new IllegalStateException("no rule " + id);
    }

    /**
     * A path as SARIF wants it: a relative reference with forward slashes (an absolute path becomes a
     * {@code file://} URI), percent-encoded where a URI needs it.
     */
    static String uri(String path) {
        String p = path.replace('\\', '/');
        StringBuilder b = new StringBuilder(p.startsWith("/") ? "file://" : "");
        for (byte c : p.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int ch = c & 0xff;
            if (Character.isLetterOrDigit(ch) && ch < 128 || "-._~/".indexOf(ch) >= 0) {
                b.append((char) ch);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", ch));
            }
        }
        return b.toString();
    }

    /** {@code robustness.pgd} → {@code RobustnessPgd}: SARIF's rule names are identifiers. */
    static String pascal(String id) {
        StringBuilder b = new StringBuilder();
        boolean upper = true;
        for (char c : id.toCharArray()) {
            if (!Character.isLetterOrDigit(c)) {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
