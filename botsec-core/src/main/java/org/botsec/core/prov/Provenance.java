package org.botsec.core.prov;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.botsec.core.prov.internal.ProvenanceJson;

/**
 * How a model was made: by which trainer, with which hyper-parameters, on which data (SHA-256), with which
 * seed, by which BotSec and Java versions, and — for private training — the typed {@link PrivacyGuarantee}.
 * Model files store it as JSON with a {@code format_version} (see {@code docs/model-format.md}); files written
 * before the typed guarantee still load.
 *
 * @param trainer       trainer name, e.g. {@code logistic_regression/lbfgs}
 * @param parameters    every hyper-parameter, JSON-friendly values
 * @param dataSha256    SHA-256 of the training data's source bytes
 * @param seed          the seed used, or null when randomness was secure (not replayable)
 * @param botsecVersion BotSec version
 * @param javaVersion   Java runtime version
 * @param createdAt     when training finished
 * @param privacy       the differential-privacy guarantee; empty for non-private training
 */
public record Provenance(String trainer, Map<String, Object> parameters, String dataSha256, Long seed,
                         String botsecVersion, String javaVersion, Instant createdAt,
                         Optional<PrivacyGuarantee> privacy) {
    public Provenance {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Objects.requireNonNull(privacy, "privacy (use Optional.empty())");
    }

    /** A provenance for a non-private run made now by this JVM. */
    public static Provenance of(String trainer, Map<String, Object> parameters, String dataSha256, Long seed) {
        return new Provenance(trainer, parameters, dataSha256, seed, currentBotsecVersion(),
                System.getProperty("java.version"), Instant.now(), Optional.empty());
    }

    /** The same provenance with the privacy guarantee set (replacing any earlier one). */
    public Provenance withPrivacy(PrivacyGuarantee guarantee) {
        return new Provenance(trainer, parameters, dataSha256, seed, botsecVersion, javaVersion, createdAt,
                Optional.of(guarantee));
    }

    /** The same provenance with other parameters (the guarantee is kept). */
    public Provenance withParameters(Map<String, Object> newParameters) {
        return new Provenance(trainer, newParameters, dataSha256, seed, botsecVersion, javaVersion, createdAt,
                privacy);
    }

    /** The JSON form model files store ({@code format_version} 2; see {@code docs/model-format.md}). */
    public ObjectNode toJson() {
        return ProvenanceJson.toJson(this);
    }

    /**
     * Reads a model file's provenance JSON ({@code format_version} 2, or the first, unversioned form); empty for
     * null or JSON null. Malformed provenance gives a one-line {@code BadInputException}.
     */
    public static Optional<Provenance> fromJson(JsonNode json) {
        return Optional.ofNullable(ProvenanceJson.fromJson(json));
    }

    /** BotSec's version from the jar manifest, or {@code 0.1.0-SNAPSHOT} when run from classes. */
    public static String currentBotsecVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
