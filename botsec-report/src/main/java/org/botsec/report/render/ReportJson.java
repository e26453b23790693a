package org.botsec.report.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Map;
import org.botsec.core.finding.FindingJson;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.report.CheckResult;
import org.botsec.report.Report;
import org.botsec.report.Series;
import org.botsec.report.Subject;

/**
 * The JSON form of a {@link Report}, schema version {@link Report#SCHEMA_VERSION} (docs/report.md documents every
 * key). Keys are snake_case and always present in the same order; images are base64 PNG.
 */
public final class ReportJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    /** The report as a JSON tree. */
    public static ObjectNode toJson(Report report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema_version", report.schemaVersion());
        root.put("botsec_version", report.botsecVersion());
        root.put("created_at", report.createdAt().toString());
        root.put("seed", report.seed());
        root.put("passed", report.passed());
        ArrayNode audits = root.putArray("audits");
        for (Report.ModelAudit a : report.audits()) {
            ObjectNode o = audits.addObject();
            o.set("subject", subject(a.subject()));
            o.put("passed", a.passed());
            ArrayNode checks = o.putArray("checks");
            for (CheckResult c : a.checks()) {
                checks.add(check(c));
            }
        }
        return root;
    }

    /** The report as pretty-printed JSON text. */
    public static String toText(Report report) {
        try {
            return MAPPER.writeValueAsString(toJson(report)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static ObjectNode subject(Subject s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("model_file", s.modelFile());
        o.put("model_sha256", s.modelSha256());
        o.put("model_type", s.modelType());
        o.put("trainer", s.trainer());
        if (s.privacy().isPresent()) {
            o.set("privacy", privacy(s.privacy().get()));
        } else {
            o.putNull("privacy");
        }
        o.put("data", s.data());
        o.put("data_sha256", s.dataSha256());
        if (s.trainData().isPresent()) {
            o.put("train_data", s.trainData().get());
        } else {
            o.putNull("train_data");
        }
        return o;
    }

    static ObjectNode privacy(PrivacyGuarantee g) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("epsilon", g.epsilon());
        o.put("delta", g.delta());
        o.put("accountant", g.accountant().label());
        o.put("unit", g.unit().label());
        o.put("noise", g.noise().label());
        o.put("holds_end_to_end", g.holdsEndToEnd());
        return o;
    }

    static ObjectNode check(CheckResult c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", c.id());
        o.put("title", c.title());
        o.put("status", c.status().label());
        if (c.threshold().isPresent()) {
            ObjectNode t = o.putObject("threshold");
            t.put("metric", c.threshold().get().metric());
            t.put("operator", c.threshold().get().direction().symbol());
            t.put("value", c.threshold().get().value());
            Double measured = c.measuredValue().orElse(null);
            if (measured == null) {
                t.putNull("measured");
            } else {
                t.put("measured", measured);
            }
        } else {
            o.putNull("threshold");
        }
        ObjectNode metrics = o.putObject("metrics");
        c.metrics().forEach(metrics::put);
        o.put("summary", c.summary());
        ArrayNode series = o.putArray("series");
        for (Series s : c.series()) {
            ObjectNode so = series.addObject();
            so.put("chart", s.chart());
            so.put("name", s.name());
            so.put("x_label", s.xLabel());
            so.put("y_label", s.yLabel());
            ArrayNode x = so.putArray("x");
            for (double v : s.x()) {
                x.add(v);
            }
            ArrayNode y = so.putArray("y");
            for (double v : s.y()) {
                y.add(v);
            }
        }
        ArrayNode images = o.putArray("images");
        for (Map.Entry<String, byte[]> e : c.images().entrySet()) {
            ObjectNode io = images.addObject();
            io.put("caption", e.getKey());
            io.put("png_base64", Base64.getEncoder().encodeToString(e.getValue()));
        }
        ArrayNode findings = o.putArray("findings");
        c.findings().forEach(f -> findings.add(MAPPER.valueToTree(FindingJson.toMap(f))));
        return o;
    }
}
