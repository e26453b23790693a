package org.botsec.core.prov;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model was made: by which trainer, with which hyper-parameters, on which data (SHA-256), with which
 * seed, by which BotSec and Java versions, and — for private training — what privacy was spent and which parts
 * of the pipeline the guarantee covers.
 *
 * @param trainer       trainer name, e.g. {@code logistic_regression/lbfgs}
 * @param parameters    every hyper-parameter, JSON-friendly values
 * @param dataSha256    SHA-256 of the training data's source bytes
 * @param seed          the seed used, or null when randomness was secure (not replayable)
 * @param botsecVersion BotSec version
 * @param javaVersion   Java runtime version
 * @param createdAt     when training finished
 * @param privacy       DP parameters and spent (ε, δ); empty for non-private training
 */
public record Provenance(String trainer, Map<String, Object> parameters, String dataSha256, Long seed,
                         String botsecVersion, String javaVersion, Instant createdAt, Map<String, Object> privacy) {
    public Provenance {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        privacy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(privacy));
    }

    /** A provenance for a non-private run made now by this JVM. */
    public static Provenance of(String trainer, Map<String, Object> parameters, String dataSha256, Long seed) {
        return new Provenance(trainer, parameters, dataSha256, seed, currentBotsecVersion(),
                System.getProperty("java.version"), Instant.now(), Map.of());
    }

    /** The same provenance with privacy information added. */
    public Provenance withPrivacy(Map<String, Object> privacyInfo) {
        return new Provenance(trainer, parameters, dataSha256, seed, botsecVersion, javaVersion, createdAt, privacyInfo);
    }

    /** BotSec's version from the jar manifest, or {@code 0.1.0-SNAPSHOT} when run from classes. */
    public static String currentBotsecVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
