package org.botsec.core.prov;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provenance JSON: the typed guarantee survives a model file (format_version 2), and files in the first form (a
 * free privacy map, written by BotSec before the typed guarantee) still load, with the composed total as ε.
 */
class ProvenanceJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    static PrivacyGuarantee guarantee() {
        return new PrivacyGuarantee(3.25, 1.1e-5, PrivacyGuarantee.Accountant.RDP, PrivacyGuarantee.Unit.EXAMPLE,
                PrivacyGuarantee.Relation.ADD_REMOVE, PrivacyGuarantee.Sampling.POISSON, 0.04, 188, 1.0, 0.5,
                List.of("DP-SGD training of the model's parameters"), List.of("preprocessing: standardizer"),
                new PrivacyGuarantee.Noise(false, "java.util.SplittableRandom, insecure seed 7"),
                List.of(new PrivacyGuarantee.Component("dp-vocabulary", 2.0, 1e-6, Map.of("threshold", 30.5)),
                        new PrivacyGuarantee.Component("dp-sgd", 1.25, 1e-5, Map.of("steps", 188, "sampling",
                                "poisson"))));
    }

    static LinearModel model(Provenance p) {
        return LinearModel.zeros(List.of("a", "b"), List.of("x", "y")).withProvenance(p);
    }

    /** Writes a model file whose description carries {@code provenanceJson} verbatim. */
    Path fileWithProvenance(String provenanceJson) throws Exception {
        ModelState s = org.botsec.core.io.ModelRegistry.state(LinearModel.zeros(List.of("a", "b"), List.of("x", "y")));
        ObjectNode desc = s.description().deepCopy();
        desc.set("provenance", MAPPER.readTree(provenanceJson));
        Path f = dir.resolve("old.safetensors");
        ModelFiles.write(new ModelState(s.type(), s.tensors(), desc), f);
        return f;
    }

    @Test
    void typedGuaranteeRoundTripsThroughAModelFile() {
        Provenance p = new Provenance("dp-sgd/logreg", Map.of("epochs", 5), "ab", 42L, "0.1.0", "17",
                Instant.parse("2026-12-01T00:00:00Z"), Optional.of(guarantee()));
        Path f = dir.resolve("m.safetensors");
        ModelFiles.save(model(p), f);
        assertEquals(2, ModelFiles.read(f).description().get("provenance").get("format_version").asInt());
        Provenance back = ((LinearModel) ModelFiles.load(f)).provenance().orElseThrow();
        assertEquals(guarantee(), back.privacy().orElseThrow());
        assertEquals("seeded (not private)",
                ModelFiles.read(f).description().get("provenance").get("privacy").get("noise").asText());
        // a non-private model has no privacy block at all
        ModelFiles.save(model(Provenance.of("t", Map.of(), "", null)), f);
        assertFalse(ModelFiles.read(f).description().get("provenance").has("privacy"));
        assertTrue(((LinearModel) ModelFiles.load(f)).provenance().orElseThrow().privacy().isEmpty());
    }

    @Test
    void aFileInTheFirstFormLoadsWithTheComposedTotal() throws Exception {
        // the provenance `botsec train --dp --vocabulary dp --insecure-seed 7` wrote before format_version 2
        Path f = fileWithProvenance("""
                {"trainer": "dp-sgd/text-logreg", "parameters": {"epochs": 10}, "data_sha256": "ab", "seed": 42,
                 "botsec_version": "0.1.0-SNAPSHOT", "java_version": "17", "created_at": "2026-11-30T10:00:00Z",
                 "privacy": {"mechanism": "dp-sgd", "epsilon": 1.25, "delta": 1.0E-5, "accountant": "rdp",
                   "rdp_optimal_order": 12.0, "privacy_unit": "example", "neighbouring_relation": "add_or_remove_one",
                   "sample_rate": 0.04, "steps": 188, "l2_norm_clip": 1.0, "noise_multiplier": 1.0,
                   "accounting_noise_multiplier": 1.0, "num_microbatches": "per_example", "sampling": "poisson",
                   "sampling_matches_accountant": true, "optimizer": "sgd", "noise_source": "insecure_seeded",
                   "noise_generator": "java.util.SplittableRandom", "noise_sampler": "ziggurat-256, 53-bit",
                   "insecure_seed": 7, "preprocessing": "differentially_private",
                   "preprocessing_note": "preprocessing fitted with a DP mechanism",
                   "idf": "fixed_1 (not fitted on the private data)", "vocabulary_mechanism": "gaussian_thresholding",
                   "vocabulary_epsilon": 2.0, "vocabulary_delta": 1.0E-6, "vocabulary_max_tokens_per_document": 20,
                   "vocabulary_noise_stddev": 5.1, "vocabulary_threshold": 30.2, "vocabulary_size": 150,
                   "composition": "basic: epsilon and delta add to those of DP-SGD", "epsilon_total": 3.25,
                   "delta_total": 1.1E-5, "vocabulary_source": "dp"}}
                """);
        Provenance p = ((LinearModel) ModelFiles.load(f)).provenance().orElseThrow();
        PrivacyGuarantee g = p.privacy().orElseThrow();
        assertEquals(3.25, g.epsilon(), 0.0, "epsilon is the composed total, not DP-SGD's 1.25");
        assertEquals(1.1e-5, g.delta(), 0.0);
        assertEquals(List.of("dp-sgd", "dp-vocabulary"), g.components().stream().map(c -> c.name()).toList());
        assertEquals(1.25, g.components().get(0).epsilon(), 0.0);
        assertEquals(2.0, g.components().get(1).epsilon(), 0.0);
        assertEquals(188, g.steps());
        assertFalse(g.noise().secure());
        assertTrue(g.noise().description().contains("insecure seed 7"), g.noise().description());
        assertTrue(g.notCovered().isEmpty(), g.notCovered().toString());
        assertEquals(42L, p.seed());
        assertEquals(10, ((Number) p.parameters().get("epochs")).intValue());
    }

    @Test
    void aFirstFormScalerFittedOnPrivateDataIsNotCovered() throws Exception {
        Path f = fileWithProvenance("""
                {"trainer": "dp-sgd/logreg", "parameters": {}, "data_sha256": "ab", "seed": 42,
                 "privacy": {"epsilon": 0.9, "delta": 1.0E-5, "accountant": "pld", "sample_rate": 0.14,
                   "steps": 36, "l2_norm_clip": 1.0, "noise_multiplier": 1.1, "sampling": "shuffle",
                   "noise_source": "secure_random", "noise_generator": "conscrypt 2.5.2",
                   "preprocessing": "fitted_on_private_data",
                   "preprocessing_detail": "standardizer (mean, scale) fitted on the private training data"}}
                """);
        PrivacyGuarantee g = ((LinearModel) ModelFiles.load(f)).provenance().orElseThrow().privacy().orElseThrow();
        assertEquals(0.9, g.epsilon(), 0.0);
        assertEquals(PrivacyGuarantee.Accountant.PLD, g.accountant());
        assertEquals(PrivacyGuarantee.Sampling.SHUFFLE, g.sampling());
        assertEquals("standardizer (mean, scale) fitted on the private training data", g.notCovered().get(0));
        assertTrue(g.notCovered().get(1).contains("Poisson"), g.notCovered().toString());
        assertTrue(g.noise().secure());
    }

    @Test
    void unusableProvenanceIsOneLineBadInput() throws Exception {
        Path inf = fileWithProvenance("""
                {"trainer": "t", "privacy": {"epsilon": "infinity", "delta": 1.0E-5, "accountant": "rdp"}}
                """);
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(inf));
        assertTrue(e.getMessage().contains("'epsilon' is infinity"), e.getMessage());
        Path future = fileWithProvenance("{\"format_version\": 3, \"trainer\": \"t\"}");
        e = assertThrows(BadInputException.class, () -> ModelFiles.load(future));
        assertTrue(e.getMessage().contains("format_version 3 is not supported"), e.getMessage());
        Path missing = fileWithProvenance("{\"format_version\": 2, \"privacy\": {\"epsilon\": 1.0}}");
        e = assertThrows(BadInputException.class, () -> ModelFiles.load(missing));
        assertTrue(e.getMessage().contains("no 'components'"), e.getMessage());
        Path negative = fileWithProvenance(("{\"format_version\": 2, \"privacy\": %s}").formatted(
                guarantee().toJson().put("epsilon", -1.0)));
        e = assertThrows(BadInputException.class, () -> ModelFiles.load(negative));
        assertTrue(e.getMessage().contains("epsilon must be finite and >= 0, got -1.0"), e.getMessage());
    }
}
