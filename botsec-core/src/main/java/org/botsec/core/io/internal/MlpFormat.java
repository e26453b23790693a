package org.botsec.core.io.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Standardizer;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.Tensor;
import org.botsec.core.prov.Provenance;
import org.botsec.core.prov.internal.ProvenanceJson;

/**
 * The model-file form of an {@link Mlp} (type {@value org.botsec.core.model.Mlp#TYPE}): tensors
 * {@code layers.L.weight} [out, in] and {@code layers.L.bias} [out] per layer (PyTorch's {@code nn.Linear} names and
 * layout), then {@code scaler_mean} and {@code scaler_scale} [d] only when the model has a standardiser; the
 * description holds {@code layer_sizes}, {@code activation}, {@code output}, {@code class_names},
 * {@code feature_names} and {@code provenance}. Reading checks every size against bounds before allocating.
 */
public final class MlpFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Upper bound on any layer width read from a file, so that a hostile description cannot ask for huge arrays. */
    private static final int MAX_LAYER_SIZE = 1 << 20;
    private static final int MAX_LAYERS = 64;

    private MlpFormat() {
    }

    /** The tensors and description of {@code m}, for {@link org.botsec.core.io.ModelFiles}. */
    public static ModelState state(Mlp m) {
        int[] layerSizes = m.layerSizes();
        double[] params = new double[m.numParameters()];
        m.getParameters(params);
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        int offset = 0;
        for (int l = 0; l + 1 < layerSizes.length; l++) {
            int out = layerSizes[l + 1];
            int in = layerSizes[l];
            tensors.put("layers." + l + ".weight",
                    Tensor.matrix(out, in, Arrays.copyOfRange(params, offset, offset + out * in)));
            offset += out * in;
            tensors.put("layers." + l + ".bias", Tensor.vector(Arrays.copyOfRange(params, offset, offset + out)));
            offset += out;
        }
        Standardizer scaler = m.scaler().orElse(null);
        if (scaler != null) {
            // only when present, so that a model without one is written exactly as before
            tensors.put("scaler_mean", Tensor.vector(scaler.mean()));
            tensors.put("scaler_scale", Tensor.vector(scaler.scale()));
        }
        ObjectNode d = MAPPER.createObjectNode();
        ArrayNode sizes = d.putArray("layer_sizes");
        for (int s : layerSizes) {
            sizes.add(s);
        }
        d.put("activation", Mlp.ACTIVATION);
        d.put("output", "softmax");
        ArrayNode cls = d.putArray("class_names");
        m.classNames().forEach(cls::add);
        ArrayNode feats = d.putArray("feature_names");
        m.featureNames().forEach(feats::add);
        if (m.provenance().isEmpty()) {
            d.putNull("provenance");
        } else {
            d.set("provenance", ProvenanceJson.toJson(m.provenance().get()));
        }
        return new ModelState(Mlp.TYPE, tensors, d);
    }

    /**
     * Rebuilds an MLP from {@link #state}, checking the type, the description and every tensor's shape and
     * values.
     *
     * @throws BadInputException naming the first problem found
     */
    public static Mlp fromState(ModelState state) {
        if (state == null || !Mlp.TYPE.equals(state.type())) {
            throw BadInputException.of("model type must be %s, got %s", Mlp.TYPE, state == null ? null : state.type());
        }
        JsonNode d = state.description();
        if (d == null) {
            throw BadInputException.of("mlp model has no description");
        }
        JsonNode sizesNode = d.get("layer_sizes");
        if (sizesNode == null || !sizesNode.isArray() || sizesNode.size() < 2 || sizesNode.size() > MAX_LAYERS + 1) {
            throw BadInputException.of("mlp layer_sizes must be an array of 2 to %d integers, got %s",
                    MAX_LAYERS + 1, sizesNode);
        }
        int[] sizes = new int[sizesNode.size()];
        for (int i = 0; i < sizes.length; i++) {
            JsonNode s = sizesNode.get(i);
            if (!s.isIntegralNumber() || s.asLong() < 1 || s.asLong() > MAX_LAYER_SIZE) {
                throw BadInputException.of("mlp layer_sizes[%d] must be an integer in [1, %d], got %s",
                        i, MAX_LAYER_SIZE, s);
            }
            sizes[i] = s.intValue();
        }
        if (sizes[sizes.length - 1] < 2) {
            throw BadInputException.of("mlp output layer needs >= 2 classes, got %d", sizes[sizes.length - 1]);
        }
        JsonNode act = d.get("activation");
        if (act != null && !Mlp.ACTIVATION.equals(act.asText())) {
            throw BadInputException.of("mlp activation must be %s, got %s", Mlp.ACTIVATION, act.asText());
        }
        List<String> classes = strings(d, "class_names", sizes[sizes.length - 1]);
        List<String> features = strings(d, "feature_names", sizes[0]);
        int numLayers = sizes.length - 1;
        boolean scaled = state.tensors() != null && (state.tensors().containsKey("scaler_mean")
                || state.tensors().containsKey("scaler_scale"));
        int expected = 2 * numLayers + (scaled ? 2 : 0);
        if (state.tensors() == null || state.tensors().size() != expected) {
            throw BadInputException.of("mlp with %d layers%s needs %d tensors, got %s", numLayers,
                    scaled ? " and a standardiser" : "", expected,
                    state.tensors() == null ? "none" : state.tensors().keySet());
        }
        long count = 0;
        for (int l = 0; l < numLayers; l++) {
            count += (long) sizes[l + 1] * sizes[l] + sizes[l + 1];
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw BadInputException.of("mlp layer_sizes %s need %d parameters, too many for one array",
                    Arrays.toString(sizes), count);
        }
        double[] params = new double[(int) count];
        int offset = 0;
        for (int l = 0; l < numLayers; l++) {
            Tensor wt = tensor(state, "layers." + l + ".weight", new int[] {sizes[l + 1], sizes[l]});
            Tensor bt = tensor(state, "layers." + l + ".bias", new int[] {sizes[l + 1]});
            System.arraycopy(wt.values(), 0, params, offset, wt.values().length);
            offset += wt.values().length;
            System.arraycopy(bt.values(), 0, params, offset, bt.values().length);
            offset += bt.values().length;
        }
        Standardizer scaler = null;
        if (scaled) {
            double[] mean = tensor(state, "scaler_mean", new int[] {sizes[0]}).values();
            double[] scale = tensor(state, "scaler_scale", new int[] {sizes[0]}).values();
            for (int j = 0; j < scale.length; j++) {
                if (!(scale[j] > 0)) {
                    throw BadInputException.of("mlp tensor scaler_scale must be > 0, got %s at %d", scale[j], j);
                }
            }
            scaler = Standardizer.of(mean, scale);
        }
        Provenance prov = ProvenanceJson.fromJson(d.get("provenance"));
        return Mlp.of(sizes, features, classes, params, Optional.ofNullable(scaler), Optional.ofNullable(prov));
    }

    private static Tensor tensor(ModelState state, String name, int[] shape) {
        Tensor t = state.tensors().get(name);
        if (t == null) {
            throw BadInputException.of("mlp tensor %s is missing (have %s)", name, state.tensors().keySet());
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw BadInputException.of("mlp tensor %s must have shape %s, got %s", name, Arrays.toString(shape),
                    Arrays.toString(t.shape()));
        }
        double[] v = t.values();
        for (int k = 0; k < v.length; k++) {
            if (!Double.isFinite(v[k])) {
                throw BadInputException.of("mlp tensor %s has a non-finite value at %d: %s", name, k, v[k]);
            }
        }
        return t;
    }

    private static List<String> strings(JsonNode d, String field, int expected) {
        JsonNode a = d.get(field);
        if (a == null || !a.isArray() || a.size() != expected) {
            throw BadInputException.of("mlp %s must be an array of %d strings, got %s", field, expected,
                    a == null ? "nothing" : a.isArray() ? a.size() + " entries" : a.getNodeType());
        }
        List<String> out = new ArrayList<>(expected);
        for (JsonNode s : a) {
            if (!s.isTextual()) {
                throw BadInputException.of("mlp %s must hold strings, got %s", field, s.getNodeType());
            }
            out.add(s.asText());
        }
        return out;
    }

}
