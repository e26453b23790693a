package org.botsec.report.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.report.CheckResult;
import org.botsec.report.Report;
import org.botsec.report.Subject;
import org.botsec.report.stix.AtlasMitigation;

/**
 * A {@link Report} as a STIX 2.1 bundle for threat sharing:
 * <ul>
 *   <li>an {@code identity} for BotSec (the producer, {@code created_by_ref} of every object);</li>
 *   <li>each audited model as an {@code infrastructure} (name, type and SHA-256 only);</li>
 *   <li>each weakness — a finding rule, or a check that failed — as a {@code vulnerability}, with custom
 *       properties {@code x_botsec_rule_id}, {@code x_botsec_kind}, {@code x_botsec_severity} and the numeric
 *       evidence in {@code x_botsec_metrics};</li>
 *   <li>each MITRE ATLAS technique a finding cites as an {@code attack-pattern} with an external reference
 *       ({@code source_name} {@code mitre-atlas}, {@code external_id} such as {@code AML.T0043});</li>
 *   <li>ATLAS mitigations as {@code course-of-action} objects;</li>
 *   <li>{@code relationship}s: infrastructure <i>has</i> vulnerability, attack-pattern <i>targets</i>
 *       vulnerability, course-of-action <i>mitigates</i> vulnerability;</li>
 *   <li>a TLP marking ({@code object_marking_refs} on every object; the predefined TLP marking definitions of
 *       STIX 2.1 section 7.2.1.4).</li>
 * </ul>
 *
 * <p><b>Privacy.</b> Only names, hashes, enums and numbers go into a bundle: never a finding's description text,
 * string evidence, data rows, prompts or personal data.
 */
public final class StixBundle {

    /** The Traffic Light Protocol level of a bundle (STIX 2.1's predefined TLP marking definitions). */
    public enum Tlp {
        WHITE("613f2e26-407d-48c7-9eca-b8e91df99dc9"),
        GREEN("34098fce-860f-48ae-8e50-ebd3cc5e41da"),
        AMBER("f88d31f6-486f-44da-b317-01333bde0b82"),
        RED("5e57c739-391a-4eb3-b6be-7d15ca92d5ed");

        private final String uuid;

        Tlp(String uuid) {
            this.uuid = uuid;
        }

        /** The marking definition's fixed identifier. */
        public String id() {
            return "marking-definition--" + uuid;
        }

        /** Lower-case name, e.g. {@code amber}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Creation time of the predefined TLP marking definitions (STIX 2.1, section 7.2.1.4). */
    static final String TLP_CREATED = "2017-01-20T00:00:00.000Z";
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Report report;
    private final Tlp tlp;
    private final Supplier<UUID> ids;
    private final String now;
    private final ArrayNode objects;
    private String identityId;

    private StixBundle(Report report, Tlp tlp, Supplier<UUID> ids) {
        this.report = Objects.requireNonNull(report, "report");
        this.tlp = Objects.requireNonNull(tlp, "tlp");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.now = TIMESTAMP.format(report.createdAt().truncatedTo(ChronoUnit.MILLIS));
        this.objects = ReportJson.MAPPER.createArrayNode();
    }

    /** The bundle with random (version 4) identifiers. */
    public static ObjectNode toJson(Report report, Tlp tlp) {
        return toJson(report, tlp, UUID::randomUUID);
    }

    /** The bundle with identifiers from {@code ids} (tests pass a fixed sequence). */
    public static ObjectNode toJson(Report report, Tlp tlp, Supplier<UUID> ids) {
        return new StixBundle(report, tlp, ids).build();
    }

    /** The bundle as pretty-printed text. */
    public static String toText(Report report, Tlp tlp) {
        try {
            return ReportJson.MAPPER.writeValueAsString(toJson(report, tlp)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write STIX: " + e.getOriginalMessage(), e);
        }
    }

    private ObjectNode build() {
        ObjectNode bundle = ReportJson.MAPPER.createObjectNode();
        bundle.put("type", "bundle");
        bundle.put("id", "bundle--" + ids.get());
        marking();
        identityId = identity();
        Map<AtlasTechnique, String> patterns = new LinkedHashMap<>();
        Map<AtlasMitigation, String> mitigations = new LinkedHashMap<>();
        for (Report.ModelAudit audit : report.audits()) {
            String infra = infrastructure(audit.subject());
            Map<String, String> vulnerabilities = new LinkedHashMap<>();
            for (CheckResult c : audit.checks()) {
                for (Finding f : c.findings()) {
                    if (vulnerabilities.containsKey(f.ruleId())) {
                        continue;
                    }
                    String vuln = vulnerability(f.title(), f.ruleId(), f.kind(), f.severity().name(), f.evidence());
                    vulnerabilities.put(f.ruleId(), vuln);
                    relationship(infra, "has", vuln);
                    if (f.atlas().isPresent()) {
                        String ap = patterns.computeIfAbsent(f.atlas().get(), this::attackPattern);
                        relationship(ap, "targets", vuln);
                    }
                    for (AtlasMitigation m : AtlasMitigation.forKind(f.kind())) {
                        relationship(mitigations.computeIfAbsent(m, this::courseOfAction), "mitigates", vuln);
                    }
                }
                if (c.status() == CheckResult.Status.FAIL && c.findings().isEmpty()
                        && !vulnerabilities.containsKey(c.id())) {
                    Map<String, Object> evidence = new LinkedHashMap<>(c.metrics());
                    String vuln = vulnerability(c.title(), c.id(), FindingKind.MODEL_QUALITY, "HIGH", evidence);
                    vulnerabilities.put(c.id(), vuln);
                    relationship(infra, "has", vuln);
                    relationship(mitigations.computeIfAbsent(AtlasMitigation.VALIDATE_MODEL, this::courseOfAction),
                            "mitigates", vuln);
                }
            }
        }
        bundle.set("objects", objects);
        return bundle;
    }

    private void marking() {
        ObjectNode m = objects.addObject();
        m.put("type", "marking-definition");
        m.put("spec_version", "2.1");
        m.put("id", tlp.id());
        m.put("created", TLP_CREATED);
        m.put("definition_type", "tlp");
        m.put("name", "TLP:" + tlp.name());
        m.putObject("definition").put("tlp", tlp.label());
    }

    private ObjectNode sdo(String type) {
        ObjectNode o = objects.addObject();
        o.put("type", type);
        o.put("spec_version", "2.1");
        o.put("id", type + "--" + ids.get());
        o.put("created", now);
        o.put("modified", now);
        if (identityId != null) {
            o.put("created_by_ref", identityId);
        }
        o.putArray("object_marking_refs").add(tlp.id());
        return o;
    }

    private String identity() {
        ObjectNode o = sdo("identity");
        o.put("name", "BotSec " + report.botsecVersion());
        o.put("identity_class", "system");
        o.put("description", "The BotSec audit that found the weaknesses in this bundle.");
        return o.get("id").asText();
    }

    private String infrastructure(Subject s) {
        ObjectNode o = sdo("infrastructure");
        o.put("name", "AI model " + baseName(s.modelFile()));
        o.put("description", "A " + s.modelType() + " model file with SHA-256 " + s.modelSha256() + ".");
        o.putArray("infrastructure_types").add("unknown");
        o.put("x_botsec_model_sha256", s.modelSha256());
        return o.get("id").asText();
    }

    private String vulnerability(String title, String ruleId, FindingKind kind, String severity,
                                 Map<String, Object> evidence) {
        ObjectNode o = sdo("vulnerability");
        o.put("name", title);
        o.put("x_botsec_rule_id", ruleId);
        o.put("x_botsec_kind", kind.label());
        o.put("x_botsec_severity", severity.toLowerCase(Locale.ROOT));
        ObjectNode metrics = o.putObject("x_botsec_metrics");
        // numbers and booleans only: string evidence could carry user text
        evidence.forEach((k, v) -> {
            if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                metrics.put(k, n.doubleValue());
            } else if (v instanceof Boolean b) {
                metrics.put(k, b);
            }
        });
        return o.get("id").asText();
    }

    private String attackPattern(AtlasTechnique t) {
        ObjectNode o = sdo("attack-pattern");
        o.put("name", t.title());
        ObjectNode ref = o.putArray("external_references").addObject();
        ref.put("source_name", "mitre-atlas");
        ref.put("external_id", t.id());
        ref.put("url", "https://atlas.mitre.org/techniques/" + t.id());
        return o.get("id").asText();
    }

    private String courseOfAction(AtlasMitigation m) {
        ObjectNode o = sdo("course-of-action");
        o.put("name", m.title());
        o.put("description", m.action());
        ObjectNode ref = o.putArray("external_references").addObject();
        ref.put("source_name", "mitre-atlas");
        ref.put("external_id", m.id());
        ref.put("url", "https://atlas.mitre.org/mitigations/" + m.id());
        return o.get("id").asText();
    }

    private void relationship(String source, String type, String target) {
        ObjectNode o = sdo("relationship");
        o.put("relationship_type", type);
        o.put("source_ref", source);
        o.put("target_ref", target);
    }

    private static String baseName(String path) {
        String p = path.replace('\\', '/');
        return p.substring(p.lastIndexOf('/') + 1);
    }
}
