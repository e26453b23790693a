package org.botsec.report.stix;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * BotSec's own check of the STIX 2.1 rules that its bundles must keep, written from the OASIS STIX 2.1
 * specification (sections 2–3 for common properties, 4–5 for the object types used, 7.2 for markings). It checks
 * the object types BotSec writes — identity, infrastructure, vulnerability, attack-pattern, course-of-action,
 * relationship, marking-definition — and refuses any other type; it is not a validator for every STIX producer.
 *
 * <p>Rules: the bundle's shape; identifiers of the form {@code type--UUID} (RFC 4122 version and variant) with
 * the object's own type; {@code spec_version} 2.1; {@code created}/{@code modified} as RFC 3339 UTC timestamps
 * precise to the millisecond, modified not before created; required properties per type; custom property
 * names only with the {@code x_} prefix and of 3–250 lower-case letters, digits and underscores; every
 * reference ({@code created_by_ref}, {@code object_marking_refs}, {@code source_ref}, {@code target_ref}) to an
 * object of the bundle, of the right type; relationships only of the types the specification defines for the
 * two object types; external references with a {@code source_name}, ATLAS IDs well-formed; the predefined TLP
 * marking definitions exactly as the specification lists them.
 */
public final class StixValidator {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final Pattern TIMESTAMP = Pattern.compile(
            "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)\\.\\d{3,}Z");
    private static final Pattern PROPERTY = Pattern.compile("[a-z0-9_]{3,250}");
    private static final Pattern ATLAS_ID = Pattern.compile("AML\\.[TM]\\d{4}(\\.\\d{3})?");

    private static final Set<String> COMMON = Set.of("type", "spec_version", "id", "created_by_ref", "created",
            "modified", "revoked", "labels", "confidence", "lang", "external_references", "object_marking_refs",
            "granular_markings", "extensions");
    private static final Map<String, Set<String>> OWN = Map.of(
            "identity", Set.of("name", "description", "roles", "identity_class", "sectors", "contact_information"),
            "infrastructure", Set.of("name", "description", "infrastructure_types", "aliases", "kill_chain_phases",
                    "first_seen", "last_seen"),
            "vulnerability", Set.of("name", "description"),
            "attack-pattern", Set.of("name", "description", "aliases", "kill_chain_phases"),
            "course-of-action", Set.of("name", "description", "action"),
            "relationship", Set.of("relationship_type", "description", "source_ref", "target_ref", "start_time",
                    "stop_time"),
            "marking-definition", Set.of("name", "definition_type", "definition"));
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "identity", List.of("name"),
            "infrastructure", List.of("name"),
            "vulnerability", List.of("name"),
            "attack-pattern", List.of("name"),
            "course-of-action", List.of("name"),
            "relationship", List.of("relationship_type", "source_ref", "target_ref"),
            "marking-definition", List.of());
    /** (source type, relationship type, target type) that STIX 2.1 defines, for the types above. */
    private static final Set<String> RELATIONSHIPS = Set.of(
            "infrastructure has vulnerability",
            "infrastructure uses infrastructure",
            "infrastructure consists-of infrastructure",
            "attack-pattern targets vulnerability",
            "attack-pattern targets identity",
            "attack-pattern uses infrastructure",
            "course-of-action mitigates attack-pattern",
            "course-of-action mitigates vulnerability");
    private static final Set<String> COMMON_RELATIONSHIPS = Set.of("derived-from", "duplicate-of", "related-to");
    private static final Map<String, String> TLP = Map.of(
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white",
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green",
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber",
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red");

    private StixValidator() {
    }

    /** Every rule the bundle breaks, one line each; empty when it keeps them all. */
    public static List<String> validate(JsonNode bundle) {
        List<String> problems = new ArrayList<>();
        if (!bundle.isObject() || !"bundle".equals(bundle.path("type").asText())) {
            problems.add("not a bundle: type must be \"bundle\"");
            return problems;
        }
        checkId(bundle, "bundle", problems);
        for (Iterator<String> it = bundle.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("type", "id", "objects").contains(f) && !f.startsWith("x_")) {
                problems.add("bundle: unknown property " + f);
            }
        }
        JsonNode objects = bundle.path("objects");
        if (!objects.isArray() || objects.isEmpty()) {
            problems.add("bundle: objects must be a non-empty array");
            return problems;
        }
        Map<String, String> typeOf = new HashMap<>();
        for (JsonNode o : objects) {
            String id = o.path("id").asText();
            if (typeOf.put(id, o.path("type").asText()) != null) {
                problems.add("duplicate id " + id);
            }
        }
        for (JsonNode o : objects) {
            checkObject(o, typeOf, problems);
        }
        return problems;
    }

    private static void checkObject(JsonNode o, Map<String, String> typeOf, List<String> problems) {
        String type = o.path("type").asText();
        String where = type + " " + o.path("id").asText();
        if (!OWN.containsKey(type)) {
            problems.add(where + ": type not allowed here");
            return;
        }
        checkId(o, type, problems);
        if (!"2.1".equals(o.path("spec_version").asText())) {
            problems.add(where + ": spec_version must be \"2.1\"");
        }
        String created = o.path("created").asText();
        if (!TIMESTAMP.matcher(created).matches()) {
            problems.add(where + ": created is not a UTC timestamp with milliseconds: " + created);
        }
        if (!type.equals("marking-definition")) {
            String modified = o.path("modified").asText();
            if (!TIMESTAMP.matcher(modified).matches()) {
                problems.add(where + ": modified is not a UTC timestamp with milliseconds: " + modified);
            } else if (modified.compareTo(created) < 0) {
                problems.add(where + ": modified is before created");
            }
        }
        for (String r : REQUIRED.get(type)) {
            if (!o.hasNonNull(r) || o.get(r).asText().isEmpty()) {
                problems.add(where + ": required property " + r + " is missing");
            }
        }
        Set<String> known = new HashSet<>(COMMON);
        known.addAll(OWN.get(type));
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (known.contains(f)) {
                continue;
            }
            if (!f.startsWith("x_")) {
                problems.add(where + ": custom property " + f + " lacks the x_ prefix");
            } else if (!PROPERTY.matcher(f).matches()) {
                problems.add(where + ": custom property name " + f + " is not 3-250 of [a-z0-9_]");
            }
        }
        if (o.has("created_by_ref")) {
            ref(o.get("created_by_ref").asText(), "identity", where + ": created_by_ref", typeOf, problems);
        }
        for (JsonNode m : o.path("object_marking_refs")) {
            ref(m.asText(), "marking-definition", where + ": object_marking_refs", typeOf, problems);
        }
        for (JsonNode ext : o.path("external_references")) {
            if (ext.path("source_name").asText().isEmpty()) {
                problems.add(where + ": external reference without source_name");
            } else if (ext.path("source_name").asText().equals("mitre-atlas")
                    && !ATLAS_ID.matcher(ext.path("external_id").asText()).matches()) {
                problems.add(where + ": malformed ATLAS ID " + ext.path("external_id").asText());
            }
        }
        if (type.equals("relationship")) {
            checkRelationship(o, where, typeOf, problems);
        }
        if (type.equals("marking-definition")) {
            checkMarking(o, where, problems);
        }
    }

    private static void checkRelationship(JsonNode o, String where, Map<String, String> typeOf, List<String> problems) {
        String rel = o.path("relationship_type").asText();
        String source = typeOf.get(o.path("source_ref").asText());
        String target = typeOf.get(o.path("target_ref").asText());
        if (source == null || target == null) {
            problems.add(where + ": source_ref or target_ref is not in the bundle");
            return;
        }
        if (!COMMON_RELATIONSHIPS.contains(rel) && !RELATIONSHIPS.contains(source + " " + rel + " " + target)) {
            problems.add(where + ": STIX 2.1 defines no relationship " + source + " " + rel + " " + target);
        }
    }

    private static void checkMarking(JsonNode o, String where, List<String> problems) {
        String id = o.path("id").asText();
        if (TLP.containsKey(id)) {
            String level = TLP.get(id);
            if (!"tlp".equals(o.path("definition_type").asText())
                    || !level.equals(o.path("definition").path("tlp").asText())
                    || !"2017-01-20T00:00:00.000Z".equals(o.path("created").asText())
                    || !("TLP:" + level.toUpperCase(java.util.Locale.ROOT)).equals(o.path("name").asText())) {
                problems.add(where + ": predefined TLP marking differs from the specification's");
            }
        } else if (!o.has("definition_type") && !o.has("extensions")) {
            problems.add(where + ": marking definition has neither definition_type nor extensions");
        }
    }

    private static void checkId(JsonNode o, String type, List<String> problems) {
        String id = o.path("id").asText();
        String prefix = type + "--";
        if (!id.startsWith(prefix) || !UUID.matcher(id.substring(prefix.length())).matches()) {
            problems.add(type + ": id " + id + " is not " + prefix + "<RFC 4122 UUID>");
        }
    }

    private static void ref(String id, String wantType, String where, Map<String, String> typeOf,
                            List<String> problems) {
        String t = typeOf.get(id);
        if (t == null) {
            problems.add(where + " " + id + " is not in the bundle");
        } else if (!t.equals(wantType)) {
            problems.add(where + " " + id + " is a " + t + ", not a " + wantType);
        }
    }
}
