package org.botsec.core.prov.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.prov.PrivacyGuarantee;

/**
 * Reads the first provenance form's {@code privacy} map (model files written before {@code format_version} 2)
 * into a {@link PrivacyGuarantee}. In that form {@code epsilon}/{@code delta} were DP-SGD's part and the composed
 * total, when a DP vocabulary was used, was under {@code epsilon_total}/{@code delta_total}; the guarantee's
 * {@code epsilon} is always the total.
 */
final class LegacyPrivacy {
    private LegacyPrivacy() {
    }

    static PrivacyGuarantee fromMap(JsonNode p) {
        try {
            double sgdEpsilon = finite(p, "epsilon");
            double sgdDelta = PrivacyGuaranteeJson.number(p, "delta");
            double epsilon = p.has("epsilon_total") ? finite(p, "epsilon_total") : sgdEpsilon;
            double delta = p.has("delta_total") ? PrivacyGuaranteeJson.number(p, "delta_total") : sgdDelta;

            Map<String, Object> sgd = new LinkedHashMap<>();
            for (String k : List.of("accountant", "rdp_optimal_order", "sample_rate", "steps", "l2_norm_clip",
                    "noise_multiplier", "accounting_noise_multiplier", "num_microbatches", "sampling", "optimizer",
                    "target_epsilon", "stopped_by_budget")) {
                if (p.has(k)) {
                    sgd.put(k, scalar(p.get(k)));
                }
            }
            if (p.has("target_epsilon")) {
                // form 1 kept the total budget apart only when a DP vocabulary took its share first
                sgd.put("target_epsilon_total", scalar(p.has("target_epsilon_total") ? p.get("target_epsilon_total")
                        : p.get("target_epsilon")));
            }
            List<PrivacyGuarantee.Component> components = new ArrayList<>();
            components.add(new PrivacyGuarantee.Component("dp-sgd", sgdEpsilon, sgdDelta, sgd));
            String preprocessing = p.path("preprocessing").asText("fitted_on_private_data");
            List<String> covers = new ArrayList<>(List.of("DP-SGD training of the model's parameters"));
            List<String> notCovered = new ArrayList<>();
            if (p.has("vocabulary_epsilon")) {
                Map<String, Object> voc = new LinkedHashMap<>();
                for (String k : List.of("vocabulary_mechanism", "vocabulary_max_tokens_per_document",
                        "vocabulary_noise_stddev", "vocabulary_threshold", "vocabulary_size")) {
                    if (p.has(k)) {
                        voc.put(k.substring("vocabulary_".length()), scalar(p.get(k)));
                    }
                }
                components.add(new PrivacyGuarantee.Component("dp-vocabulary", finite(p, "vocabulary_epsilon"),
                        PrivacyGuaranteeJson.number(p, "vocabulary_delta"), voc));
                covers.add("the vocabulary, selected with differential privacy (its epsilon is in the total)");
            }
            String detail = p.path("preprocessing_detail").asText("");
            switch (preprocessing) {
                case "fitted_on_private_data" -> notCovered.add(detail.isEmpty()
                        ? "preprocessing (vocabulary, idf or scaling) fitted on the private training data" : detail);
                case "public_or_fixed" -> covers.add(detail.isEmpty()
                        ? "preprocessing from public data or fixed bounds (costs no epsilon)" : detail);
                case "differentially_private" -> {
                    // the DP vocabulary component above says it
                }
                default -> throw BadInputException.of("model description: privacy preprocessing '%s' is unknown",
                        preprocessing);
            }
            if ("shuffle".equals(p.path("sampling").asText())) {
                notCovered.add("sampling: batches were shuffled, but the accountant assumes Poisson sampling; "
                        + "epsilon is not a proven bound for this run");
            }
            if (p.has("idf")) {
                covers.add("idf: " + p.get("idf").asText());
            }
            boolean seeded = "insecure_seeded".equals(p.path("noise_source").asText());
            String noise = seeded
                    ? p.path("noise_generator").asText("java.util.SplittableRandom") + ", insecure seed "
                            + p.path("insecure_seed").asText("?")
                    : p.path("noise_generator").asText("secure random")
                            + (p.has("noise_sampler") ? "; sampler " + p.get("noise_sampler").asText() : "");
            return new PrivacyGuarantee(epsilon, delta,
                    PrivacyGuaranteeJson.choice(PrivacyGuarantee.Accountant.class, p, "accountant"),
                    PrivacyGuarantee.Unit.EXAMPLE, PrivacyGuarantee.Relation.ADD_REMOVE,
                    PrivacyGuaranteeJson.choice(PrivacyGuarantee.Sampling.class, p, "sampling"),
                    PrivacyGuaranteeJson.number(p, "sample_rate"), (long) PrivacyGuaranteeJson.number(p, "steps"),
                    PrivacyGuaranteeJson.number(p, "noise_multiplier"),
                    PrivacyGuaranteeJson.number(p, "l2_norm_clip"), covers, notCovered,
                    new PrivacyGuarantee.Noise(!seeded, noise), components);
        } catch (IllegalArgumentException e) {
            throw BadInputException.of("model description: privacy section (first provenance form) is invalid: %s",
                    e.getMessage());
        }
    }

    /** ε of the first form: a number, or the string "infinity" for a run without noise (no guarantee). */
    private static double finite(JsonNode p, String key) {
        JsonNode v = PrivacyGuaranteeJson.required(p, key);
        if (!v.isNumber()) {
            throw BadInputException.of("model description: privacy '%s' is %s: the file states no finite privacy "
                    + "guarantee", key, v.asText());
        }
        return v.asDouble();
    }

    private static Object scalar(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        return v.asText();
    }
}
