package org.botsec.core.model;

import org.botsec.core.io.internal.MlpFormat;
import org.botsec.core.io.ModelRegistry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.prov.Provenance;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;

/** {@link Mlp#state()} and {@link Mlp#fromState}: round trip and validation of damaged states. */
class MlpStateTest {
    private static Mlp model() {
        Mlp mlp = Mlp.create(new int[] {5, 4, 3}, MlpGradientTest.names("f", 5), List.of("a", "b", "c"),
                Randomness.replayable(3));
        double[] theta = new double[mlp.numParameters()];
        mlp.getParameters(theta);
        SplittableRandom r = new SplittableRandom(4);
        for (int k = 0; k < theta.length; k++) {
            theta[k] += r.nextDouble(-0.1, 0.1);
        }
        mlp.setParameters(theta);
        return mlp;
    }

    @Test
    void roundTripGivesIdenticalPredictionsAndDescription() {
        Provenance prov = new Provenance("mlp/adam", Map.of("epochs", 3, "layer_sizes", List.of(5, 4, 3)),
                "abc123", 42L, "0.1.0-SNAPSHOT", "17", Instant.parse("2026-01-02T03:04:05Z"),
                java.util.Optional.empty());
        Mlp mlp = model().withProvenance(prov);
        ModelState state = ModelRegistry.state(mlp);
        assertEquals("mlp", state.type());
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"),
                List.copyOf(state.tensors().keySet()));
        assertArrayEquals(new int[] {4, 5}, state.tensors().get("layers.0.weight").shape());
        assertEquals("relu", state.description().get("activation").asText());
        assertEquals("[5,4,3]", state.description().get("layer_sizes").toString());

        Mlp back = MlpFormat.fromState(state);
        Matrix x = new Matrix(7, 5);
        SplittableRandom r = new SplittableRandom(9);
        for (int k = 0; k < x.data().length; k++) {
            x.data()[k] = r.nextDouble(-3, 3);
        }
        assertArrayEquals(mlp.predictProba(x).data(), back.predictProba(x).data(), 0.0);
        assertEquals(mlp.classNames(), back.classNames());
        assertEquals(mlp.featureNames(), back.featureNames());
        Provenance p2 = back.provenance().orElseThrow();
        assertEquals("mlp/adam", p2.trainer());
        assertEquals(42L, p2.seed());
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), p2.createdAt());
        assertEquals(List.of(5, 4, 3), p2.parameters().get("layer_sizes"));
        assertEquals("abc123", p2.dataSha256());
    }

    @Test
    void withProvenanceCopiesParameters() {
        Mlp a = model();
        Mlp b = a.withProvenance(null);
        double[] theta = new double[a.numParameters()];
        b.setParameters(theta);
        double[] aTheta = new double[a.numParameters()];
        a.getParameters(aTheta);
        assertTrue(java.util.Arrays.stream(aTheta).anyMatch(v -> v != 0.0));
        assertTrue(a.provenance().isEmpty());
    }

    @Test
    void rejectsWrongType() {
        ModelState s = ModelRegistry.state(model());
        BadInputException e = assertThrows(BadInputException.class,
                () -> MlpFormat.fromState(new ModelState("logistic_regression", s.tensors(), s.description())));
        assertEquals("model type must be mlp, got logistic_regression", e.getMessage());
    }

    @Test
    void rejectsTensorWithWrongShape() {
        String msg = damaged(s -> s.tensors().put("layers.1.weight", Tensor.matrix(3, 3, new double[9])));
        assertEquals("mlp tensor layers.1.weight must have shape [3, 4], got [3, 3]", msg);
    }

    @Test
    void rejectsMissingTensor() {
        String msg = damaged(s -> {
            Tensor t = s.tensors().remove("layers.0.bias");
            s.tensors().put("layers.0.biases", t);
        });
        assertTrue(msg.startsWith("mlp tensor layers.0.bias is missing"), msg);
    }

    @Test
    void rejectsNonFiniteWeight() {
        String msg = damaged(s -> {
            double[] v = s.tensors().get("layers.0.bias").values();
            v[2] = Double.NaN;
            s.tensors().put("layers.0.bias", Tensor.vector(v));
        });
        assertEquals("mlp tensor layers.0.bias has a non-finite value at 2: NaN", msg);
    }

    @Test
    void rejectsBadLayerSizes() {
        String msg = damaged(s -> ((ObjectNode) s.description()).putArray("layer_sizes").add(5).add(-4).add(3));
        assertEquals("mlp layer_sizes[1] must be an integer in [1, 1048576], got -4", msg);
        String msg2 = damaged(s -> ((ObjectNode) s.description()).put("layer_sizes", "5,4,3"));
        assertTrue(msg2.startsWith("mlp layer_sizes must be an array"), msg2);
    }

    @Test
    void rejectsClassNamesOfWrongLength() {
        String msg = damaged(s -> ((ObjectNode) s.description()).putArray("class_names").add("a").add("b"));
        assertEquals("mlp class_names must be an array of 3 strings, got 2 entries", msg);
    }

    @Test
    void predictRejectsWrongFeatureCount() {
        BadInputException e = assertThrows(BadInputException.class, () -> model().predictProba(new Matrix(2, 4)));
        assertEquals("input has 4 features, the model expects 5", e.getMessage());
    }

    @Test
    void createValidatesArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Mlp.create(new int[] {3, 0, 2}, MlpGradientTest.names("x", 3), List.of("a", "b"),
                        Randomness.replayable(1)));
        assertEquals("layer sizes must be >= 1, got [3, 0, 2]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Mlp.create(new int[] {3, 2}, MlpGradientTest.names("x", 2), List.of("a", "b"),
                        Randomness.replayable(1)));
        assertEquals("featureNames must have 3 names (the input size), got 2", e.getMessage());
    }

    /** Applies {@code damage} to a fresh state (deep-copied tensors) and returns fromState's error message. */
    private static String damaged(Consumer<ModelState> damage) {
        ModelState s = ModelRegistry.state(model());
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>(s.tensors());
        ModelState copy = new ModelState(s.type(), tensors, s.description().deepCopy());
        damage.accept(copy);
        return assertThrows(BadInputException.class, () -> MlpFormat.fromState(copy)).getMessage();
    }
}
