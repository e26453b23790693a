package org.botsec.core.io.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.prov.Provenance;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.Tensor;
import org.botsec.core.prov.internal.ProvenanceJson;

/**
 * The model-file form of a {@link LinearModel} (type {@value org.botsec.core.model.LinearModel#TYPE}): tensors
 * {@code coef} [r, d] (r = 1 for two classes, as scikit-learn), {@code intercept} [r] and, with a standardiser,
 * {@code scaler_mean} and {@code scaler_scale} [d]; the description holds {@code class_names},
 * {@code feature_names} and {@code provenance}. Reading validates every shape and value through
 * {@link LinearModel#of}.
 */
public final class LinearModelFormat {
    private LinearModelFormat() {
    }

    /** The tensors and description of {@code m}, for {@link org.botsec.core.io.ModelFiles}. */
    public static ModelState state(LinearModel m) {
        LinkedHashMap<String, Tensor> tensors = linearTensors(m);
        m.scaler().ifPresent(scaler -> {
            tensors.put("scaler_mean", Tensor.vector(scaler.mean()));
            tensors.put("scaler_scale", Tensor.vector(scaler.scale()));
        });
        ObjectNode desc = JsonNodeFactory.instance.objectNode();
        desc.set("class_names", strings(m.classNames()));
        desc.set("feature_names", strings(m.featureNames()));
        m.provenance().ifPresent(p -> desc.set("provenance", ProvenanceJson.toJson(p)));
        return new ModelState(LinearModel.TYPE, tensors, desc);
    }

    /** {@code coef} [r, d] and {@code intercept} [r], shared with the text pipeline's format. */
    static LinkedHashMap<String, Tensor> linearTensors(LinearModel m) {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("coef", Tensor.matrix(m.coefRows(), m.numFeatures(), m.coef().data()));
        tensors.put("intercept", Tensor.vector(m.intercept()));
        return tensors;
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        values.forEach(a::add);
        return a;
    }

    /** Rebuilds a model from {@link #state}, validating every shape; bad files give {@link BadInputException}. */
    public static LinearModel fromState(ModelState state) {
        if (state == null || !LinearModel.TYPE.equals(state.type())) {
            throw BadInputException.of("not a %s model: type %s", LinearModel.TYPE, state == null ? null : state.type());
        }
        ObjectNode desc = state.description();
        if (desc == null) {
            throw new BadInputException("logistic_regression model: description is missing");
        }
        List<String> classes = readStrings(desc, "class_names");
        List<String> features = readStrings(desc, "feature_names");
        double[][] coef = readCoef(state, classes.size(), features.size());
        Tensor b = tensor(state, "intercept");
        if (b.shape().length != 1) {
            throw BadInputException.of("logistic_regression model: intercept must be a vector, shape %s",
                    Arrays.toString(b.shape()));
        }
        Tensor mean = state.tensors().get("scaler_mean");
        Tensor scale = state.tensors().get("scaler_scale");
        LinearModel m = mean == null && scale == null
                ? LinearModel.of(coef, b.values(), classes, features)
                : LinearModel.of(coef, b.values(), classes, features, mean == null ? null : vector(mean, "scaler_mean"),
                        scale == null ? null : vector(scale, "scaler_scale"));
        return withProvenance(m, desc);
    }

    /** {@code m} with the provenance stored in {@code desc}, when the file has one. */
    static LinearModel withProvenance(LinearModel m, ObjectNode desc) {
        Provenance p = ProvenanceJson.fromJson(desc.get("provenance"));
        return p == null ? m : m.withProvenance(p);
    }

    static double[][] readCoef(ModelState state, int k, int dim) {
        Tensor w = tensor(state, "coef");
        int rows = k == 2 ? 1 : k;
        if (w.shape().length != 2 || w.shape()[0] != rows || w.shape()[1] != dim) {
            throw BadInputException.of("model: coef has shape %s, expected [%d, %d] for %d classes and %d features",
                    Arrays.toString(w.shape()), rows, dim, k, dim);
        }
        double[][] out = new double[rows][];
        for (int c = 0; c < rows; c++) {
            out[c] = Arrays.copyOfRange(w.values(), c * dim, (c + 1) * dim);
        }
        return out;
    }

    static Tensor tensor(ModelState state, String name) {
        Tensor t = state.tensors() == null ? null : state.tensors().get(name);
        if (t == null) {
            throw BadInputException.of("model: tensor '%s' is missing", name);
        }
        return t;
    }

    private static double[] vector(Tensor t, String name) {
        if (t.shape().length != 1) {
            throw BadInputException.of("model: %s must be a vector, shape %s", name, Arrays.toString(t.shape()));
        }
        return t.values();
    }

    static List<String> readStrings(JsonNode desc, String key) {
        JsonNode a = desc.get(key);
        if (a == null || !a.isArray()) {
            throw BadInputException.of("model description: '%s' must be an array of strings", key);
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonNode v : a) {
            if (!v.isTextual()) {
                throw BadInputException.of("model description: '%s' holds a non-string value %s", key,
                        v.getNodeType());
            }
            out.add(v.asText());
        }
        return out;
    }

}
