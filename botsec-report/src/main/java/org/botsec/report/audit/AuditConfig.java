package org.botsec.report.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;

/**
 * What an audit runs and with which thresholds. Read from YAML:
 * <pre>
 * seed: 42                      # optional; the seed of every random choice
 * policy: guard-policy.yaml      # optional; the guard policy to self-test (relative to this file)
 * checks:                       # optional; a check not named here runs with its defaults
 *   robustness.pgd:
 *     min_robust_accuracy: 0.3
 *   privacy.membership:
 *     enabled: false
 * </pre>
 * Every check name, every key and every value is checked: an unknown check or key, a value of the wrong type or
 * outside its range is one {@link BadInputException} naming it. docs/report.md lists each check's settings.
 */
public final class AuditConfig {
    static final long MAX_CONFIG_BYTES = 1 << 20;

    /** One setting a check accepts: its name, default and inclusive range. */
    public record Setting(String name, double defaultValue, double min, double max, String meaning) {
        public Setting {
            Objects.requireNonNull(name, "name");
            if (!(defaultValue >= min && defaultValue <= max)) {
                throw new IllegalArgumentException("default of " + name + " outside its range");
            }
        }
    }

    /** One check's settings after defaults were filled in. */
    public record Section(String check, boolean enabled, Map<String, Double> values) {
        public Section {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /** The value of a setting the check declared. */
        public double get(String name) {
            Double v = values.get(name);
            if (v == null) {
                throw new IllegalStateException("check " + check + " declared no setting " + name);
            }
            return v;
        }

        /** {@link #get} as an int (settings declared with whole-number ranges). */
        public int getInt(String name) {
            return (int) Math.round(get(name));
        }
    }

    private final long seed;
    private final Optional<String> policy;
    private final Map<String, Section> sections;

    private AuditConfig(long seed, Optional<String> policy, Map<String, Section> sections) {
        this.seed = seed;
        this.policy = policy;
        this.sections = Collections.unmodifiableMap(sections);
    }

    /** Every check with its defaults. */
    public static AuditConfig defaults(List<AuditCheck> checks, long seed) {
        return parse(null, checks, seed, "defaults");
    }

    /** Reads a YAML config file (at most 1 MiB). */
    public static AuditConfig read(Path file, List<AuditCheck> checks, long defaultSeed) {
        String text = SafeFiles.readSmallUtf8(file, (int) MAX_CONFIG_BYTES, "audit config");
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw BadInputException.of("audit config %s is not valid YAML: %s", file,
                    e.getMessage().lines().findFirst().orElse("parse error"));
        }
        AuditConfig c = parse(root, checks, defaultSeed, file.toString());
        Path dir = file.toAbsolutePath().getParent();
        return c.policy.isEmpty() || dir == null ? c
                : new AuditConfig(c.seed, Optional.of(dir.resolve(c.policy.get()).toString()), c.sections);
    }

    public static AuditConfig parse(JsonNode root, List<AuditCheck> checks, long defaultSeed, String where) {
        long seed = defaultSeed;
        Optional<String> policy = Optional.empty();
        JsonNode checksNode = null;
        if (root != null && !root.isNull() && !root.isMissingNode()) {
            if (!root.isObject()) {
                throw BadInputException.of("audit config %s: top level must be a mapping with seed and checks", where);
            }
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!Set.of("seed", "policy", "checks").contains(k)) {
                    throw BadInputException.of("audit config %s: unknown key %s (allowed: seed, policy, checks)",
                            where, k);
                }
            }
            if (root.has("seed")) {
                if (!root.get("seed").canConvertToLong() || !root.get("seed").isIntegralNumber()) {
                    throw BadInputException.of("audit config %s: seed must be a whole number, got %s", where,
                            root.get("seed"));
                }
                seed = root.get("seed").asLong();
            }
            if (root.has("policy")) {
                if (!root.get("policy").isTextual() || root.get("policy").asText().isBlank()) {
                    throw BadInputException.of("audit config %s: policy must be the path of a guard policy file, "
                            + "got %s", where, root.get("policy"));
                }
                policy = Optional.of(root.get("policy").asText());
            }
            checksNode = root.get("checks");
            if (checksNode != null && !checksNode.isObject() && !checksNode.isNull()) {
                throw BadInputException.of("audit config %s: checks must be a mapping of check name to settings", where);
            }
        }
        Map<String, AuditCheck> byId = new LinkedHashMap<>();
        checks.forEach(c -> byId.put(c.id(), c));
        if (checksNode != null && checksNode.isObject()) {
            for (Iterator<String> it = checksNode.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!byId.containsKey(name)) {
                    throw BadInputException.of("audit config %s: unknown check %s (known: %s)", where, name,
                            String.join(", ", byId.keySet()));
                }
            }
        }
        Map<String, Section> sections = new LinkedHashMap<>();
        for (AuditCheck c : checks) {
            JsonNode node = checksNode == null ? null : checksNode.get(c.id());
            sections.put(c.id(), section(c, node, where));
        }
        return new AuditConfig(seed, policy, sections);
    }

    private static Section section(AuditCheck c, JsonNode node, String where) {
        boolean enabled = true;
        Map<String, Double> values = new LinkedHashMap<>();
        for (Setting s : c.settings()) {
            values.put(s.name(), s.defaultValue());
        }
        if (node == null || node.isNull()) {
            return new Section(c.id(), true, values);
        }
        if (!node.isObject()) {
            throw BadInputException.of("audit config %s: settings of %s must be a mapping", where, c.id());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("enabled")) {
                if (!v.isBoolean()) {
                    throw BadInputException.of("audit config %s: %s.enabled must be true or false, got %s", where,
                            c.id(), v);
                }
                enabled = v.asBoolean();
                continue;
            }
            Setting s = c.settings().stream().filter(x -> x.name().equals(key)).findFirst().orElseThrow(() ->
                    BadInputException.of("audit config %s: check %s has no setting %s (allowed: enabled%s)", where,
                            c.id(), key, names(c.settings())));
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw BadInputException.of("audit config %s: %s.%s must be a number, got %s", where, c.id(), key, v);
            }
            double d = v.asDouble();
            if (d < s.min() || d > s.max()) {
                throw BadInputException.of("audit config %s: %s.%s must be in [%s, %s], got %s", where,
                        c.id(), key, s.min(), s.max(), d);
            }
            values.put(key, d);
        }
        return new Section(c.id(), enabled, values);
    }

    private static String names(List<Setting> settings) {
        List<String> n = new ArrayList<>();
        settings.forEach(s -> n.add(", " + s.name()));
        return String.join("", n);
    }

    /**
     * The guard policy file to self-test, if the config names one ({@code policy:}); read from a file, a relative
     * path is resolved against the config file's folder.
     */
    public Optional<String> policy() {
        return policy;
    }

    /** The seed of the audit. */
    public long seed() {
        return seed;
    }

    /** The settings of one check. */
    public Section section(String checkId) {
        Section s = sections.get(checkId);
        if (s == null) {
            throw new IllegalArgumentException("no check " + checkId);
        }
        return s;
    }
}
