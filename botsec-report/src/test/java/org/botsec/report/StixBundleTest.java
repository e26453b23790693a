package org.botsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.botsec.report.render.StixBundle;
import org.botsec.report.stix.StixValidator;
import org.junit.jupiter.api.Test;

class StixBundleTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode bundle() {
        return StixBundle.toJson(Fixtures.report(), StixBundle.Tlp.AMBER);
    }

    @Test
    void bundleKeepsTheStixRules() {
        assertEquals(List.of(), StixValidator.validate(bundle()));
    }

    @Test
    void bundleHoldsTheExpectedObjects() {
        ObjectNode b = bundle();
        List<String> types = new ArrayList<>();
        b.get("objects").forEach(o -> types.add(o.get("type").asText()));
        assertEquals(2, types.stream().filter("infrastructure"::equals).count());
        // per model: pgd, membership and pii findings; quality passed (no vulnerability)
        assertEquals(6, types.stream().filter("vulnerability"::equals).count());
        // ATLAS: Evade AI Model, Infer Training Data Membership, LLM Data Leakage (each once)
        List<String> atlas = new ArrayList<>();
        b.get("objects").forEach(o -> {
            if (o.get("type").asText().equals("attack-pattern")) {
                atlas.add(o.get("external_references").get(0).get("external_id").asText());
            }
        });
        assertEquals(List.of("AML.T0015", "AML.T0024.000", "AML.T0057"), atlas);
        b.get("objects").forEach(o -> assertTrue(o.get("type").asText().equals("marking-definition")
                || o.get("object_marking_refs").get(0).asText().equals(StixBundle.Tlp.AMBER.id())));
    }

    @Test
    void noUserTextGoesIntoABundle() {
        String text = bundle().toString();
        assertFalse(text.contains(Fixtures.PII_TEXT), "string evidence leaked into the bundle");
        assertFalse(text.contains("EMAIL"), "string evidence leaked into the bundle");
        assertFalse(text.contains("credit_g:train"), "data row locations leaked into the bundle");
    }

    @Test
    void validatorCatchesEachBrokenRule() {
        assertBroken(b -> object(b, "vulnerability").remove("name"), "required property name");
        assertBroken(b -> object(b, "vulnerability").put("botsec_rule", "x"), "lacks the x_ prefix");
        assertBroken(b -> object(b, "vulnerability").put("created", "2026-12-03T12:00:00Z"), "milliseconds");
        assertBroken(b -> object(b, "vulnerability").put("modified", "2020-01-01T00:00:00.000Z"), "before created");
        assertBroken(b -> object(b, "vulnerability").put("id", "vulnerability--1234"), "RFC 4122");
        assertBroken(b -> object(b, "relationship").put("target_ref", "vulnerability--"
                + java.util.UUID.randomUUID()), "not in the bundle");
        assertBroken(b -> object(b, "relationship").put("relationship_type", "uses"), "defines no relationship");
        assertBroken(b -> object(b, "marking-definition").with("definition").put("tlp", "green"), "TLP");
        assertBroken(b -> ((ObjectNode) object(b, "attack-pattern").withArray("external_references").get(0))
                .put("external_id", "T1059"), "malformed ATLAS ID");
        assertBroken(b -> object(b, "vulnerability").put("created_by_ref", object(b, "infrastructure")
                .get("id").asText()), "not a identity");
        assertBroken(b -> object(b, "vulnerability").put("spec_version", "2.0"), "spec_version");
    }

    private static ObjectNode object(ObjectNode bundle, String type) {
        for (JsonNode o : bundle.get("objects")) {
            if (o.get("type").asText().equals(type)) {
                return (ObjectNode) o;
            }
        }
        throw new AssertionError("no " + type);
    }

    private static void assertBroken(Consumer<ObjectNode> change, String expected) {
        ObjectNode b = bundle();
        change.accept(b);
        List<String> problems = StixValidator.validate(b);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "expected a problem containing '" + expected + "', got " + problems);
    }

    @Test
    void bundleParsesAsJsonText() throws Exception {
        JsonNode parsed = MAPPER.readTree(StixBundle.toText(Fixtures.report(), StixBundle.Tlp.GREEN));
        assertTrue(parsed.get("objects") instanceof ArrayNode);
        assertEquals(List.of(), StixValidator.validate(parsed));
    }
}
