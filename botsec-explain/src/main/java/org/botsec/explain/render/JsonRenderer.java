package org.botsec.explain.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureWeight;

/**
 * An explanation as JSON: {@code {"method", "label", "label_index", "class_names", "class_probabilities",
 * "weights": [{"feature", "weight", "index"}], "intercept", "score", "local_prediction", "prediction", "seed",
 * "num_samples"}}. Values that do not apply (a SHAP score, an absent seed) are null.
 */
public final class JsonRenderer {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonRenderer() {
    }

    /** The explanation as an ordered map of JSON values (for embedding in larger documents). */
    public static Map<String, Object> toMap(Explanation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", e.method().name().toLowerCase(java.util.Locale.ROOT));
        m.put("label", e.labelName());
        m.put("label_index", e.label());
        m.put("class_names", e.classNames());
        m.put("class_probabilities", e.classProbabilities());
        List<Map<String, Object>> ws = new ArrayList<>();
        for (FeatureWeight w : e.weights()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("feature", w.feature());
            x.put("weight", w.weight());
            x.put("index", w.index());
            ws.add(x);
        }
        m.put("weights", ws);
        m.put("intercept", finite(e.intercept()));
        m.put("score", finite(e.score()));
        m.put("local_prediction", finite(e.localPrediction()));
        m.put("prediction", finite(e.prediction()));
        m.put("seed", e.seed().isPresent() ? e.seed().getAsLong() : null);
        m.put("num_samples", e.numSamples());
        return m;
    }

    /** One JSON document. */
    public static String render(Explanation e) {
        try {
            return MAPPER.writeValueAsString(toMap(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write explanation JSON: " + ex.getOriginalMessage(), ex);
        }
    }

    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
