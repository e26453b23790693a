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
 * The classifier head on top of sentence embeddings: logistic regression (Cox 1958) {@code p = σ(w·x + b)},
 * or with a hidden layer of rectified linear units a one-hidden-layer perceptron
 * {@code p = σ(w·max(0, W₁x + b₁) + b)} (Rumelhart, Hinton and Williams 1986), and the threshold at which a message counts as an attack, chosen on a validation split (see {@code training}).
 * Loaded from a JSON file ({@code format: botsec.injection_head}); the shipped one is
 * {@code org/botsec/guard/semantic/injection_head.json}, trained by {@code TrainInjectionHeadMain} in this
 * module's test sources.
 *
 * <p>The score is the head's logistic output on our training distribution; it is reported with basis
 * {@code uncalibrated_score} because the held-out sources differ from the training ones (docs/guard.md).
 *
 * @param encoder       name of the embedding model the head was trained on
 * @param inputDimension the embedding's length
 * @param hiddenWeights hidden layer, row-major {@code hiddenUnits × inputDimension}; empty for logistic regression (copied)
 * @param hiddenBias    one bias per hidden unit; empty for logistic regression (copied)
 * @param weights   output weights: one per hidden unit, or one per embedding dimension without a hidden layer (copied)
 * @param bias      intercept
 * @param threshold score in (0, 1) at which a message is an attack
 * @param longText  how a message longer than the encoder's window is read (the head was trained for it)
 * @param training  how the head was made (corpus hashes, regularisation, validation figures), as text values
 */
public record InjectionHead(String encoder, int inputDimension, float[] hiddenWeights, float[] hiddenBias, float[] weights, double bias,
                            double threshold, LongText longText, Map<String, String> training) {
    /** How a long message is read; file field {@code long_text} (absent: {@link #HEAD_TAIL}). */
    public enum LongText {
        /** Its first 900 and last 300 characters, embedded once ({@link SemanticInjectionScanner#embeddedPart}). */
        HEAD_TAIL("head_tail"),
        /** Every window ({@link SemanticInjectionScanner#windows}) embedded; the message scores the highest window. */
        WINDOW_MAX("window_max");

        private final String id;

        LongText(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static LongText of(String id, String where) {
            for (LongText t : values()) {
                if (t.id.equals(id)) {
                    return t;
                }
            }
            throw BadInputException.of("injection head %s: long_text must be head_tail or window_max, got %s", where, id);
        }
    }

    /** Largest head file read, in bytes. */
    public static final long MAX_FILE_BYTES = 8 << 20;
    static final String FORMAT = "botsec.injection_head";
    static final String RESOURCE = "/org/botsec/guard/semantic/injection_head.json";

    public InjectionHead {
        if (encoder == null || encoder.isBlank()) {
            throw new BadInputException("injection head: encoder must be named");
        }
        if (weights == null || weights.length == 0) {
            throw new BadInputException("injection head: weights must not be empty");
        }
        weights = finite(weights, "weights");
        hiddenWeights = finite(hiddenWeights == null ? new float[0] : hiddenWeights, "hidden_weights");
        hiddenBias = finite(hiddenBias == null ? new float[0] : hiddenBias, "hidden_bias");
        if (inputDimension < 1) {
            throw BadInputException.of("injection head: input dimension must be >= 1, got %d", inputDimension);
        }
        if (hiddenBias.length == 0 ? weights.length != inputDimension || hiddenWeights.length != 0
                : weights.length != hiddenBias.length || hiddenWeights.length != hiddenBias.length * inputDimension) {
            throw BadInputException.of("injection head: layer sizes do not fit: input %d, hidden weights %d, hidden bias %d, weights %d",
                    inputDimension, hiddenWeights.length, hiddenBias.length, weights.length);
        }
        if (!Double.isFinite(bias)) {
            throw BadInputException.of("injection head: bias must be finite, got %s", bias);
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw BadInputException.of("injection head: threshold must be in (0, 1), got %s", threshold);
        }
        if (longText == null) {
            throw new BadInputException("injection head: long_text must be given");
        }
        training = Map.copyOf(training == null ? Map.of() : training);
    }

    private static float[] finite(float[] v, String name) {
        float[] c = v.clone();
        for (int i = 0; i < c.length; i++) {
            if (!Float.isFinite(c[i])) {
                throw BadInputException.of("injection head: %s[%d] must be finite, got %s", name, i, c[i]);
            }
        }
        return c;
    }

    /** A logistic-regression head: one weight per embedding dimension. */
    public static InjectionHead logistic(String encoder, float[] weights, double bias, double threshold, Map<String, String> training) {
        return new InjectionHead(encoder, weights.length, new float[0], new float[0], weights, bias, threshold, LongText.HEAD_TAIL, training);
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    @Override
    public float[] hiddenWeights() {
        return hiddenWeights.clone();
    }

    @Override
    public float[] hiddenBias() {
        return hiddenBias.clone();
    }

    /** The head's logistic output for one embedding. */
    public double score(float[] embedding) {
        if (embedding.length != inputDimension) {
            throw BadInputException.of("embedding has %d dimensions, the injection head expects %d", embedding.length, inputDimension);
        }
        double z = bias;
        if (hiddenBias.length == 0) {
            for (int i = 0; i < weights.length; i++) {
                z += weights[i] * embedding[i];
            }
        } else {
            for (int h = 0; h < hiddenBias.length; h++) {
                double a = hiddenBias[h];
                int row = h * inputDimension;
                for (int i = 0; i < inputDimension; i++) {
                    a += hiddenWeights[row + i] * embedding[i];
                }
                z += a > 0 ? weights[h] * a : 0;
            }
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
        if (!root.path("dimension").isInt()) {
            throw BadInputException.of("injection head %s: dimension must be an integer, got %s", where, root.path("dimension"));
        }
        float[] weights = floats(root, "weights", where, true);
        float[] hiddenWeights = floats(root, "hidden_weights", where, false);
        float[] hiddenBias = floats(root, "hidden_bias", where, false);
        for (String f : new String[] {"bias", "threshold"}) {
            if (!root.path(f).isNumber()) {
                throw BadInputException.of("injection head %s: %s must be a number, got %s", where, f, root.path(f));
            }
        }
        JsonNode lt = root.path("long_text");
        if (!lt.isMissingNode() && !lt.isTextual()) {
            throw BadInputException.of("injection head %s: long_text must be a string, got %s", where, lt);
        }
        LongText longText = lt.isMissingNode() ? LongText.HEAD_TAIL : LongText.of(lt.asText(), where);
        Map<String, String> training = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.path("training").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            training.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        try {
            return new InjectionHead(root.path("encoder").asText(), root.path("dimension").asInt(), hiddenWeights, hiddenBias, weights,
                    root.path("bias").asDouble(), root.path("threshold").asDouble(), longText, training);
        } catch (BadInputException e) {
            throw BadInputException.of("%s (in %s)", e.getMessage(), where);
        }
    }

    private static float[] floats(JsonNode root, String field, String where, boolean required) {
        JsonNode w = root.path(field);
        if (w.isMissingNode() && !required) {
            return new float[0];
        }
        if (!w.isArray()) {
            throw BadInputException.of("injection head %s: %s must be an array", where, field);
        }
        float[] out = new float[w.size()];
        for (int i = 0; i < out.length; i++) {
            if (!w.get(i).isNumber()) {
                throw BadInputException.of("injection head %s: %s[%d] must be a number, got %s", where, field, i, w.get(i));
            }
            out[i] = (float) w.get(i).asDouble();
        }
        return out;
    }

    /** This head as the JSON a file holds. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT).put("format_version", 1).put("encoder", encoder).put("dimension", inputDimension);
        root.put("bias", bias).put("threshold", threshold).put("long_text", longText.id());
        ArrayNode w = root.putArray("weights");
        for (float x : weights) {
            w.add(x);
        }
        if (hiddenBias.length > 0) {
            ArrayNode hb = root.putArray("hidden_bias");
            for (float x : hiddenBias) {
                hb.add(x);
            }
            ArrayNode hw = root.putArray("hidden_weights");
            for (float x : hiddenWeights) {
                hw.add(x);
            }
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
        return o instanceof InjectionHead h && encoder.equals(h.encoder) && inputDimension == h.inputDimension && Arrays.equals(weights, h.weights)
                && Arrays.equals(hiddenWeights, h.hiddenWeights) && Arrays.equals(hiddenBias, h.hiddenBias) && bias == h.bias
                && threshold == h.threshold && longText == h.longText && training.equals(h.training);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(weights) + Double.hashCode(bias);
    }

    @Override
    public String toString() {
        return "InjectionHead[encoder=" + encoder + ", dimension=" + inputDimension + ", hidden units=" + hiddenBias.length + ", threshold=" + threshold + ", long text=" + longText.id() + "]";
    }
}
