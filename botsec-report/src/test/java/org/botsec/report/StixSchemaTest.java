package org.botsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.botsec.report.render.StixBundle;
import org.junit.jupiter.api.Test;

/**
 * Checks a bundle against the official OASIS STIX 2.1 JSON schemas (oasis-open/cti-stix2-json-schemas), which
 * the repository does not ship: set {@code STIX2_SCHEMAS} to a local copy of their {@code schemas/} folder to
 * run it; without it the test is skipped. {@code STIX2_BUNDLE} may name a bundle file to check as well. The
 * schemas' {@code $id}s are absolute URLs, so they are mapped onto
 * the local folder and nothing is fetched.
 */
class StixSchemaTest {
    private static final String PREFIX =
            "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";

    @Test
    void bundleMatchesTheOasisSchemas() {
        String dir = System.getenv("STIX2_SCHEMAS");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir)), "STIX2_SCHEMAS not set");
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix(PREFIX, Path.of(dir).toUri().toString())));
        assertEquals(List.of(), problems(factory, StixBundle.toJson(Fixtures.report(), StixBundle.Tlp.AMBER)));
        // the schemas do catch a broken object, so the empty list above means something
        ObjectNode broken = StixBundle.toJson(Fixtures.report(), StixBundle.Tlp.AMBER);
        for (JsonNode o : broken.get("objects")) {
            if (o.get("type").asText().equals("vulnerability")) {
                ((ObjectNode) o).remove("name");
                break;
            }
        }
        assertFalse(problems(factory, broken).isEmpty());
        // STIX2_BUNDLE: also check a bundle BotSec wrote, e.g. the demo's audit/report.stix.json
        String bundle = System.getenv("STIX2_BUNDLE");
        if (bundle != null) {
            try {
                JsonNode written = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Path.of(bundle).toFile());
                assertEquals(List.of(), problems(factory, written), bundle);
            } catch (java.io.IOException e) {
                throw new AssertionError("cannot read STIX2_BUNDLE " + bundle, e);
            }
        }
    }

    private static List<String> problems(JsonSchemaFactory factory, JsonNode bundle) {
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : factory.getSchema(SchemaLocation.of(PREFIX + "common/bundle.json")).validate(bundle)) {
            out.add("bundle: " + m);
        }
        for (JsonNode o : bundle.get("objects")) {
            String type = o.get("type").asText();
            String folder = type.equals("relationship") ? "sros/" : type.equals("marking-definition") ? "common/" : "sdos/";
            JsonSchema s = factory.getSchema(SchemaLocation.of(PREFIX + folder + type + ".json"));
            for (ValidationMessage m : s.validate(o)) {
                out.add(type + ": " + m);
            }
        }
        return out;
    }
}
