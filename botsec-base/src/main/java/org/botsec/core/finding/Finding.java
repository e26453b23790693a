package org.botsec.core.finding;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One thing a BotSec check found, in the one form that every module reports (guard scanners, attacks,
 * explanation sanity checks, privacy checks) and every renderer consumes (CLI JSON, the audit report, SARIF,
 * STIX). A new check needs no new renderer code: it emits findings.
 *
 * @param ruleId      stable, dotted, lower-case ID of the check that produced it, e.g. {@code guard.pii.email} or
 *                    {@code attack.evasion.pgd}; SARIF uses it as the rule ID, so it never changes between releases
 * @param kind        what sort of weakness or event it is
 * @param severity    how serious it is
 * @param title       one-line summary (no user text)
 * @param description what it means and what to do (no user text)
 * @param location    where it applies, if anywhere in particular
 * @param score       how strongly the check holds it, with what that number means, if the check scores
 * @param atlas       the MITRE ATLAS technique it relates to, if one applies
 * @param evidence    measured values behind it (numbers, names, booleans, lists of those), JSON-friendly, in
 *                    insertion order; never raw personal data, prompts or training rows
 * @param source      the component that produced it, e.g. {@code pii} or {@code pgd}
 */
public record Finding(String ruleId, FindingKind kind, Severity severity, String title, String description,
                      Optional<Location> location, Optional<Score> score, Optional<AtlasTechnique> atlas,
                      Map<String, Object> evidence, String source) {

    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");

    public Finding {
        Objects.requireNonNull(ruleId, "ruleId");
        if (!RULE_ID.matcher(ruleId).matches()) {
            throw new IllegalArgumentException("rule ID must be dotted lower-case words, got " + ruleId);
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        description = description == null ? "" : description;
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(score, "score");
        Objects.requireNonNull(atlas, "atlas");
        evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
        Objects.requireNonNull(source, "source");
    }

    /** A builder; {@code ruleId}, {@code kind}, {@code severity} and {@code title} are required. */
    public static Builder builder(String ruleId, FindingKind kind, Severity severity, String title) {
        return new Builder(ruleId, kind, severity, title);
    }

    /** The text span this finding covers, if its location is one. */
    public Optional<Location.TextSpan> span() {
        return location.filter(Location.TextSpan.class::isInstance).map(Location.TextSpan.class::cast);
    }

    /** The same finding at another location (e.g. shifted into a larger text). */
    public Finding withLocation(Location newLocation) {
        return new Finding(ruleId, kind, severity, title, description, Optional.of(newLocation), score, atlas,
                evidence, source);
    }

    /**
     * Builds a {@link Finding}; each optional setting may be made once (a second call throws
     * {@link IllegalStateException}, as Caffeine's builders do).
     */
    public static final class Builder {
        private final String ruleId;
        private final FindingKind kind;
        private final Severity severity;
        private final String title;
        private String description;
        private Location location;
        private Score score;
        private AtlasTechnique atlas;
        private final Map<String, Object> evidence = new LinkedHashMap<>();
        private String source;

        private Builder(String ruleId, FindingKind kind, Severity severity, String title) {
            this.ruleId = ruleId;
            this.kind = kind;
            this.severity = severity;
            this.title = title;
        }

        public Builder description(String value) {
            description = once(description, value, "description");
            return this;
        }

        public Builder location(Location value) {
            location = once(location, value, "location");
            return this;
        }

        public Builder span(int start, int end) {
            return location(new Location.TextSpan(start, end));
        }

        public Builder score(Score value) {
            score = once(score, value, "score");
            return this;
        }

        public Builder atlas(AtlasTechnique value) {
            atlas = once(atlas, value, "atlas");
            return this;
        }

        public Builder source(String value) {
            source = once(source, value, "source");
            return this;
        }

        /** Adds one evidence entry; a key may be set once. */
        public Builder evidence(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "evidence value for " + key);
            if (evidence.putIfAbsent(key, value instanceof List<?> l ? List.copyOf(new ArrayList<>(l)) : value) != null) {
                throw new IllegalStateException("evidence " + key + " was already set");
            }
            return this;
        }

        public Finding build() {
            return new Finding(ruleId, kind, severity, title, description, Optional.ofNullable(location),
                    Optional.ofNullable(score), Optional.ofNullable(atlas), evidence, source == null ? ruleId : source);
        }

        private static <T> T once(T current, T value, String name) {
            Objects.requireNonNull(value, name);
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
            return value;
        }
    }
}
