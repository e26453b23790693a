package org.botsec.guard.semantic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.math.Logistic;

/**
 * The classifier head on top of sentence embeddings: logistic regression (Cox 1958) {@code p = σ(w·x + b)} and
 * the threshold at which a message counts as an attack, chosen on a validation split (see {@code training}).
 * Loaded from a JSON file ({@code format: botsec.injection_head}); the shipped one is
 * {@code org/botsec/guard/semantic/injection_head.json}, trained by {@code TrainInjectionHeadMain} in this
 * module's test sources.
 *
 * <p>The score is the head's logistic output on our training distribution; it is reported with basis
 * {@code uncalibrated_score} because the held-out sources differ from the training ones (docs/guard.md).
 *
 * @param encoder   name of the embedding model the head was trained on
 * @param weights   one weight per embedding dimension (copied)
 * @param bias      intercept
 * @param threshold score in (0, 1) at which a message is an attack
 * @param training  how the head was made (corpus hashes, regularisation, validation figures), as text values
 */
public record InjectionHead(String encoder, float[] weights, double bias, double threshold, Map<String, String> training) {
    /** Largest head file read, in bytes. */
    public static final long MAX_FILE_BYTES = 1 << 20;
    static final String FORMAT = "botsec.injection_head";
    static final String RESOURCE = "/org/botsec/guard/semantic/injection_head.json";

    public InjectionHead {
        if (encoder == null || encoder.isBlank()) {
            throw new BadInputException("injection head: encoder must be named");
        }
        if (weights == null || weights.length == 0) {
            throw new BadInputException("injection head: weights must not be empty");
        }
        weights = weights.clone();
        for (int i = 0; i < weights.length; i++) {
            if (!Float.isFinite(weights[i])) {
                throw BadInputException.of("injection head: weights[%d] must be finite, got %s", i, weights[i]);
            }
        }
        if (!Double.isFinite(bias)) {
            throw BadInputException.of("injection head: bias must be finite, got %s", bias);
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw BadInputException.of("injection head: threshold must be in (0, 1), got %s", threshold);
        }
        training = Map.copyOf(training == null ? Map.of() : training);
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    /** The head's logistic output for one embedding. */
    public double score(float[] embedding) {
        if (embedding.length != weights.length) {
            throw BadInputException.of("embedding has %d dimensions, the injection head expects %d", embedding.length, weights.length);
        }
        double z = bias;
        for (int i = 0; i < weights.length; i++) {
            z += weights[i] * embedding[i];
        }
        return Logistic.sigmoid(z);
    }

    /** The head shipped in this jar. */
    public static InjectionHead shipped() {
        try (InputStream in = InjectionHead.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new ModelLoadException("the injection head " + RESOURCE + " is missing from the class path", null);
            }
            return parse(in.readNBytes((int) MAX_FILE_BYTES + 1), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a head file; anything malformed gives a {@link BadInputException} naming the file and the field. */
    public static InjectionHead load(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw BadInputException.of("injection head file %s does not exist or is not a file", file);
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw BadInputException.of("injection head file %s has %d bytes, limit is %d", file, Files.size(file), MAX_FILE_BYTES);
            }
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw BadInputException.of("cannot read injection head file %s: %s", file, e.getMessage());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static InjectionHead parse(byte[] bytes, String where) {
        if (bytes.length > MAX_FILE_BYTES) {
            throw BadInputException.of("injection head %s is larger than %d bytes", where, MAX_FILE_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw BadInputException.of("injection head %s is not valid JSON: %s", where, e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw BadInputException.of("injection head %s must be a JSON object", where);
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw BadInputException.of("injection head %s: format must be %s, got %s", where, FORMAT, root.path("format"));
        }
        if (root.path("format_version").asInt(-1) != 1) {
            throw BadInputException.of("injection head %s: format_version must be 1, got %s", where, root.path("format_version"));
        }
        JsonNode w = root.path("weights");
        if (!w.isArray()) {
            throw BadInputException.of("injection head %s: weights must be an array", where);
        }
        int dim = root.path("dimension").asInt(-1);
        if (dim != w.size()) {
            throw BadInputException.of("injection head %s: dimension is %s but weights has %d values", where, root.path("dimension"), w.size());
        }
        float[] weights = new float[w.size()];
        for (int i = 0; i < weights.length; i++) {
            if (!w.get(i).isNumber()) {
                throw BadInputException.of("injection head %s: weights[%d] must be a number, got %s", where, i, w.get(i));
            }
            weights[i] = (float) w.get(i).asDouble();
        }
        for (String f : new String[] {"bias", "threshold"}) {
            if (!root.path(f).isNumber()) {
                throw BadInputException.of("injection head %s: %s must be a number, got %s", where, f, root.path(f));
            }
        }
        Map<String, String> training = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.path("training").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            training.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        try {
            return new InjectionHead(root.path("encoder").asText(), weights, root.path("bias").asDouble(), root.path("threshold").asDouble(), training);
        } catch (BadInputException e) {
            throw BadInputException.of("%s (in %s)", e.getMessage(), where);
        }
    }

    /** This head as the JSON a file holds. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT).put("format_version", 1).put("encoder", encoder).put("dimension", weights.length);
        root.put("bias", bias).put("threshold", threshold);
        ArrayNode w = root.putArray("weights");
        for (float x : weights) {
            w.add(x);
        }
        ObjectNode t = root.putObject("training");
        training.forEach(t::put);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InjectionHead h && encoder.equals(h.encoder) && Arrays.equals(weights, h.weights) && bias == h.bias
                && threshold == h.threshold && training.equals(h.training);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(weights) + Double.hashCode(bias);
    }

    @Override
    public String toString() {
        return "InjectionHead[encoder=" + encoder + ", dimension=" + weights.length + ", threshold=" + threshold + "]";
    }
}
