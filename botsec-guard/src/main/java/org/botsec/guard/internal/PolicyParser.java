package org.botsec.guard.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.guard.Action;
import org.botsec.guard.Anonymization;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardPipeline;
import org.botsec.guard.KeyedHasher;
import org.botsec.guard.Pseudonymizer;
import org.botsec.guard.RateLimiter;
import org.botsec.guard.Scanner;

/**
 * Reads a guard policy (YAML or JSON) into a {@link GuardPipeline}. Strict: an unknown field, scanner,
 * action, direction or PII type, a wrong value type or a bad pattern is rejected with one line that names
 * where it is ({@code scanners[2].pattern}) and what was given.
 */
public final class PolicyParser {
    /** Largest policy file read. */
    public static final long MAX_POLICY_BYTES = 1 << 20;

    private static final Set<String> TOP = Set.of("version", "max_input_chars", "anonymization", "hash_keyset_file",
            "pseudonym_keyset_file", "rate_limit", "scanners");
    private static final Set<String> COMMON = Set.of("scanner", "action", "directions", "min_score");
    private static final Set<String> RATE = Set.of("capacity", "refill_per_second", "max_clients");
    private static final List<String> SCANNERS = List.of("pii", "prompt_injection", "secrets", "system_prompt_leak", "regex");

    private PolicyParser() {
    }

    public static GuardPipeline parse(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw BadInputException.of("policy file not found: %s", file);
            }
            if (Files.size(file) > MAX_POLICY_BYTES) {
                throw BadInputException.of("policy file %s is larger than %d bytes", file, MAX_POLICY_BYTES);
            }
            String content = Files.readString(file, StandardCharsets.UTF_8);
            ObjectMapper mapper = name.toLowerCase(Locale.ROOT).endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(content);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw BadInputException.of("policy %s is not valid %s%s: %s", file,
                    name.toLowerCase(Locale.ROOT).endsWith(".json") ? "JSON" : "YAML",
                    loc == null ? "" : " at line " + loc.getLineNr(), e.getOriginalMessage());
        } catch (java.nio.charset.MalformedInputException e) {
            throw BadInputException.of("policy %s is not UTF-8", file);
        } catch (IOException e) {
            throw BadInputException.of("cannot read policy %s: %s", file, e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return build(root, dir);
    }

    static GuardPipeline build(JsonNode root, Path dir) {
        if (root == null || !root.isObject()) {
            throw new BadInputException("policy must be a mapping with a 'scanners' list");
        }
        checkFields(root, TOP, "policy");
        if (root.has("version") && (!root.get("version").canConvertToInt() || root.get("version").asInt() != 1)) {
            throw BadInputException.of("policy version must be 1, got %s", root.get("version"));
        }
        GuardPipeline.Builder b = GuardPipeline.builder();
        if (root.has("max_input_chars")) {
            b.maxInputChars(intValue(root, "max_input_chars", "policy"));
        }
        Anonymization anonymization = Anonymization.REDACT;
        if (root.has("anonymization")) {
            anonymization = enumValue(Anonymization.class, text(root, "anonymization", "policy"), "anonymization");
            b.anonymization(anonymization);
        }
        if (root.has("hash_keyset_file")) {
            b.hasher(KeyedHasher.fromJsonKeyset(readKeyset(dir, text(root, "hash_keyset_file", "policy"))));
        }
        if (root.has("pseudonym_keyset_file")) {
            b.pseudonymizer(Pseudonymizer.fromJsonKeyset(readKeyset(dir, text(root, "pseudonym_keyset_file", "policy"))));
        }
        if (root.has("rate_limit")) {
            JsonNode r = root.get("rate_limit");
            if (!r.isObject()) {
                throw new BadInputException("rate_limit must be a mapping with capacity and refill_per_second");
            }
            checkFields(r, RATE, "rate_limit");
            if (!r.has("capacity") || !r.has("refill_per_second")) {
                throw new BadInputException("rate_limit needs capacity and refill_per_second");
            }
            b.rateLimit(new RateLimiter.Settings(number(r, "capacity", "rate_limit"), number(r, "refill_per_second", "rate_limit"),
                    r.has("max_clients") ? intValue(r, "max_clients", "rate_limit") : 100_000));
        }
        JsonNode scanners = root.get("scanners");
        if (scanners == null || !scanners.isArray() || scanners.isEmpty()) {
            throw new BadInputException("policy needs a non-empty 'scanners' list");
        }
        for (int i = 0; i < scanners.size(); i++) {
            addScanner(b, scanners.get(i), "scanners[" + i + "]");
        }
        return b.build();
    }

    private static void addScanner(GuardPipeline.Builder b, JsonNode s, String where) {
        if (!s.isObject() || !s.has("scanner")) {
            throw BadInputException.of("%s must be a mapping with a 'scanner' field (one of %s)", where, SCANNERS);
        }
        String kind = text(s, "scanner", where);
        Scanner scanner;
        Action defaultAction;
        Set<Direction> defaultDirections = EnumSet.allOf(Direction.class);
        switch (kind) {
            case "pii" -> {
                checkFields(s, union(COMMON, "pii_types", "phone_region", "phone_regions", "ner_types"), where);
                Set<PiiScanner.Type> nerTypes = EnumSet.copyOf(PiiScanner.DEFAULT_NER_TYPES);
                if (s.has("ner_types")) {
                    nerTypes = EnumSet.noneOf(PiiScanner.Type.class);
                    for (String t : strings(s, "ner_types", where)) {
                        nerTypes.add(PiiScanner.type(t));
                    }
                }
                Set<PiiScanner.Type> types = EnumSet.copyOf(PiiScanner.DEFAULT_TYPES);
                if (s.has("pii_types")) {
                    types = EnumSet.noneOf(PiiScanner.Type.class);
                    for (String t : strings(s, "pii_types", where)) {
                        types.add(PiiScanner.type(t));
                    }
                }
                List<String> regions = new java.util.ArrayList<>();
                if (s.has("phone_regions")) {
                    if (s.has("phone_region")) {
                        regions.add(text(s, "phone_region", where));
                    }
                    regions.addAll(strings(s, "phone_regions", where));
                } else {
                    regions.add(s.has("phone_region") ? text(s, "phone_region", where) : "US");
                    regions.addAll(PiiScanner.LIKELY_PHONE_REGIONS);
                }
                scanner = new PiiScanner(types, regions, nerTypes);
                defaultAction = Action.REDACT;
            }
            case "prompt_injection" -> {
                checkFields(s, union(COMMON, "threshold", "classifier", "detector"), where);
                String detector = s.has("detector") ? text(s, "detector", where) : "ngram";
                if (s.has("detector") && s.has("classifier")) {
                    throw BadInputException.of("%s: give 'detector' (ngram, rules or semantic) or the older 'classifier', not both", where);
                }
                boolean useClassifier = !s.has("classifier") || bool(s, "classifier", where);
                switch (detector) {
                    case "ngram", "rules" -> {
                        double threshold = s.has("threshold") ? number(s, "threshold", where) : 0.5;
                        scanner = new InjectionScanner(useClassifier && detector.equals("ngram") ? InjectionClassifier.shipped() : null, threshold);
                    }
                    case "semantic" -> scanner = semanticScanner(s.has("threshold") ? number(s, "threshold", where) : Double.NaN, where);
                    default -> throw BadInputException.of("%s.detector must be ngram, rules or semantic, got '%s'", where, detector);
                }
                defaultAction = Action.BLOCK;
                defaultDirections = EnumSet.of(Direction.INPUT);
            }
            case "secrets" -> {
                checkFields(s, union(COMMON, "entropy_threshold"), where);
                scanner = new SecretScanner(s.has("entropy_threshold") ? number(s, "entropy_threshold", where) : 3.5);
                defaultAction = Action.BLOCK;
            }
            case "system_prompt_leak" -> {
                checkFields(s, union(COMMON, "system_prompt", "canaries", "ngram"), where);
                scanner = new LeakScanner(s.has("system_prompt") ? text(s, "system_prompt", where) : null,
                        s.has("canaries") ? strings(s, "canaries", where) : List.of(),
                        s.has("ngram") ? intValue(s, "ngram", where) : 8);
                defaultAction = Action.BLOCK;
                defaultDirections = EnumSet.of(Direction.OUTPUT);
            }
            case "regex" -> {
                checkFields(s, union(COMMON, "name", "pattern", "score"), where);
                if (!s.has("name") || !s.has("pattern")) {
                    throw BadInputException.of("%s (regex) needs 'name' and 'pattern'", where);
                }
                if (s.has("score")) {
                    // kept so that older policy files still load; a pattern match scores 1 (rule_match) now
                    double legacy = number(s, "score", where);
                    if (!(legacy > 0 && legacy <= 1)) {
                        throw BadInputException.of("%s.score must be in (0, 1], got %s", where, legacy);
                    }
                }
                scanner = new RegexScanner(text(s, "name", where), text(s, "pattern", where));
                defaultAction = Action.REDACT;
            }
            default -> throw BadInputException.of("%s: unknown scanner '%s' (known: %s)", where, kind, String.join(", ", SCANNERS));
        }
        Action action = s.has("action") ? enumValue(Action.class, text(s, "action", where), where + ".action") : defaultAction;
        Set<Direction> directions = defaultDirections;
        if (s.has("directions")) {
            directions = EnumSet.noneOf(Direction.class);
            for (String d : strings(s, "directions", where)) {
                directions.add(enumValue(Direction.class, d, where + ".directions"));
            }
        }
        double minScore = s.has("min_score") ? number(s, "min_score", where) : 0.5;
        b.add(scanner, action, directions, minScore);
    }

    /** Class of the semantic detector, in the optional botsec-guard-semantic module (which depends on this one). */
    static final String SEMANTIC_SCANNER = "org.botsec.guard.semantic.SemanticInjectionScanner";

    /**
     * The semantic detector (rules, then a sentence-embedding head), loaded by name because it lives in a module
     * that depends on this one. Its absence, or a model that fails to load, is one line naming the cause: a policy
     * that asks for it never silently gets a weaker detector.
     */
    private static Scanner semanticScanner(double threshold, String where) {
        Class<?> type;
        try {
            type = Class.forName(SEMANTIC_SCANNER);
        } catch (ClassNotFoundException | LinkageError e) {
            throw BadInputException.of("%s.detector semantic needs the botsec-guard-semantic module on the class path"
                    + " (org.botsec:botsec-guard-semantic); it is not there", where);
        }
        if (!Double.isNaN(threshold) && !(threshold > 0 && threshold < 1)) {
            throw BadInputException.of("%s.threshold must be in (0, 1) for the semantic detector, got %s", where, threshold);
        }
        try {
            Object scanner = Double.isNaN(threshold) ? type.getMethod("shipped").invoke(null)
                    : type.getMethod("shipped", double.class).invoke(null, threshold);
            return (Scanner) scanner;
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw BadInputException.of("%s.detector semantic: %s", where,
                    cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage().lines().findFirst().orElse(""));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw BadInputException.of("%s.detector semantic: %s does not offer shipped() in this version (%s)", where, SEMANTIC_SCANNER, e);
        }
    }

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(List.of(more));
        return s;
    }

    private static void checkFields(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw BadInputException.of("%s: unknown field '%s' (allowed: %s)", where, f,
                        String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw BadInputException.of("%s.%s must be a string, got %s", where, field, v);
        }
        return v.asText();
    }

    private static double number(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw BadInputException.of("%s.%s must be a number, got %s", where, field, v);
        }
        return v.asDouble();
    }

    private static int intValue(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw BadInputException.of("%s.%s must be an integer, got %s", where, field, v);
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isBoolean()) {
            throw BadInputException.of("%s.%s must be true or false, got %s", where, field, v);
        }
        return v.asBoolean();
    }

    private static List<String> strings(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw BadInputException.of("%s.%s must be a list of strings, got %s", where, field, v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw BadInputException.of("%s.%s must contain only strings, got %s", where, field, e);
            }
            out.add(e.asText());
        }
        return out;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String where) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(c.name().toLowerCase(Locale.ROOT));
            }
            throw BadInputException.of("%s: unknown value '%s' (allowed: %s)", where, value, String.join(", ", names));
        }
    }

    private static String readKeyset(Path dir, String file) {
        Path p = dir == null ? Path.of(file) : dir.resolve(file);
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > 64 * 1024) {
                throw BadInputException.of("keyset file not found or larger than 64 KiB: %s", p);
            }
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw BadInputException.of("cannot read keyset file %s", p);
        }
    }
}
