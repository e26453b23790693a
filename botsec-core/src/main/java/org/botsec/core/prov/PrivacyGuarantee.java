package org.botsec.core.prov;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.LinkedHashMap;
import java.util.Collections;
import org.botsec.core.prov.internal.PrivacyGuaranteeJson;

/**
 * The differential-privacy guarantee of a trained model, as one typed record: what (ε, δ) holds, for which
 * privacy unit and neighbouring relation, under which sampling, accountant and noise source, and what the
 * guarantee covers and does not. {@code epsilon} and {@code delta} are always the <em>composed total</em> over
 * every {@link Component} (DP-SGD, a DP vocabulary, ...); a consumer never has to add parts up.
 *
 * <p>The attacks compare their empirical ε lower bound with {@link #epsilon()}, the audit report prints it, and
 * {@code botsec models info --json} renders it under {@code "privacy"}. Federated learning produces the same
 * record with {@link Unit#CLIENT}.
 *
 * @param epsilon         composed total ε (finite, ≥ 0)
 * @param delta           composed total δ, in [0, 1)
 * @param accountant      how the training mechanism's ε was computed
 * @param unit            whose participation is protected
 * @param relation        which data sets count as neighbours
 * @param sampling        how batches (or clients) were sampled
 * @param sampleRate      the sampling rate q (batch size / n, or clients per round / N)
 * @param steps           noisy steps (or rounds) composed
 * @param noiseMultiplier σ, the Gaussian noise's standard deviation over the clipping norm
 * @param l2NormClip      C, the per-example (or per-client) L2 clipping norm
 * @param covers          the parts of the pipeline the guarantee covers, in words
 * @param notCovered      the parts it does not cover (e.g. preprocessing fitted on the private data), in words
 * @param noise           where the noise came from; a seeded source means the guarantee does not hold
 * @param components      the mechanisms whose ε is composed into the total, in order
 */
public record PrivacyGuarantee(double epsilon, double delta, Accountant accountant, Unit unit, Relation relation,
                               Sampling sampling, double sampleRate, long steps, double noiseMultiplier,
                               double l2NormClip, List<String> covers, List<String> notCovered, Noise noise,
                               List<Component> components) {

    /** The accounting method. */
    public enum Accountant {
        /** Rényi DP (Mironov 2017; subsampled Gaussian of Mironov, Talwar, Zhang 2019). */
        RDP,
        /** Privacy loss distributions (Koskela et al. 2020; Doroshenko et al. 2022). */
        PLD;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The privacy unit: one training example, or one federated client with all its data. */
    public enum Unit {
        EXAMPLE, CLIENT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The neighbouring relation the guarantee is stated for. */
    public enum Relation {
        /** Neighbours differ by adding or removing one unit. */
        ADD_REMOVE,
        /** Neighbours differ by replacing one unit. */
        REPLACE_ONE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How units were sampled into each step. */
    public enum Sampling {
        /** Each unit joins each step independently with probability q (what the accountants assume). */
        POISSON,
        /** Fixed-size batches from a shuffle: the reported ε is computed as if Poisson, not proven for it. */
        SHUFFLE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where the noise came from.
     *
     * @param secure      true for a cryptographically secure generator; false when a caller asked for a seed
     * @param description e.g. {@code conscrypt 2.5.2 (BoringSSL RAND_bytes, CTR-DRBG AES-256); sampler ziggurat-256}
     */
    public record Noise(boolean secure, String description) {
        public Noise {
            Objects.requireNonNull(description, "description");
        }

        /** The rendering used in JSON and text: the description, or {@code seeded (not private)}. */
        public String label() {
            return secure ? description : "seeded (not private)";
        }
    }

    /**
     * One mechanism composed into the total.
     *
     * @param name       e.g. {@code dp-sgd}, {@code dp-vocabulary}, {@code dp-fedavg}
     * @param epsilon    its ε
     * @param delta      its δ
     * @param parameters its own parameters, JSON-friendly
     */
    public record Component(String name, double epsilon, double delta, Map<String, Object> parameters) {
        public Component {
            Objects.requireNonNull(name, "name");
            checkEpsilonDelta(epsilon, delta, "component " + name);
            Map<String, Object> copy = new LinkedHashMap<>();
            // one numeric type per kind, so that a component read back from JSON equals the one written
            parameters.forEach((k, v) -> copy.put(k, v instanceof Integer || v instanceof Short || v instanceof Byte
                    ? (Object) ((Number) v).longValue() : v instanceof Float f ? (Object) f.doubleValue() : v));
            parameters = Collections.unmodifiableMap(copy);
        }
    }

    public PrivacyGuarantee {
        checkEpsilonDelta(epsilon, delta, "guarantee");
        Objects.requireNonNull(accountant, "accountant");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(sampling, "sampling");
        if (!(sampleRate > 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sample rate must be in (0, 1], got " + sampleRate);
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (!(noiseMultiplier >= 0) || !Double.isFinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        if (!(l2NormClip > 0) || !Double.isFinite(l2NormClip)) {
            throw new IllegalArgumentException("l2 norm clip must be finite and > 0, got " + l2NormClip);
        }
        covers = List.copyOf(covers);
        notCovered = List.copyOf(notCovered);
        Objects.requireNonNull(noise, "noise");
        components = List.copyOf(components);
        if (components.isEmpty()) {
            throw new IllegalArgumentException("a guarantee needs at least one component");
        }
    }

    /** The one JSON form (snake_case keys; see {@code docs/model-format.md}), as model files store it. */
    public ObjectNode toJson() {
        return PrivacyGuaranteeJson.toJson(this);
    }

    /** Reads {@link #toJson()}'s form; a missing or malformed field gives a one-line {@code BadInputException}. */
    public static PrivacyGuarantee fromJson(JsonNode json) {
        return PrivacyGuaranteeJson.fromJson(json);
    }

    /** True when the guarantee holds end to end: secure noise and nothing left uncovered. */
    public boolean holdsEndToEnd() {
        return noise.secure() && notCovered.isEmpty();
    }

    private static void checkEpsilonDelta(double epsilon, double delta, String what) {
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException(what + ": epsilon must be finite and >= 0, got " + epsilon);
        }
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException(what + ": delta must be in [0, 1), got " + delta);
        }
    }
}
