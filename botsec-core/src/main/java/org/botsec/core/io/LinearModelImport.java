package org.botsec.core.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.model.LinearModel;
import org.botsec.core.prov.Provenance;

/**
 * Reads a linear classifier trained elsewhere (e.g. scikit-learn's {@code LogisticRegression}) from JSON:
 * <pre>{@code
 * {"type": "logistic_regression", "feature_names": [...], "classes": [...],
 *  "coef": [[...]], "intercept": [...], "scaler": {"mean": [...], "scale": [...]}}
 * }</pre>
 * {@code coef} has one row per class, except for two classes where it has one row (scikit-learn's layout:
 * P(classes[1]) = sigmoid(coef·x + intercept)). With more classes the probabilities are the softmax of the
 * scores (scikit-learn's multinomial model). {@code scaler} is optional (a fitted {@code StandardScaler}:
 * x' = (x − mean) / scale applied before the linear model). Every field, its type, its length and every number
 * (finite; scale > 0) is checked, and the file size is bounded, before anything is built.
 *
 * <p>Other top-level fields are rejected unless the caller asks to ignore unknown fields ({@code models
 * import-linear --ignore-unknown}): export scripts often add notes, test predictions or library versions beside
 * the model (the IBM ART golden files do). Ignored names are returned and recorded in the provenance; the fields
 * the model needs are validated the same either way, and unknown fields inside {@code scaler} stay errors.
 */
public final class LinearModelImport {
    /** Largest import file accepted. */
    public static final long MAX_BYTES = 64L << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> KEYS = Set.of("type", "feature_names", "classes", "coef", "intercept", "scaler");

    /**
     * The validated content of an import file.
     *
     * @param coef      one row per class, or a single row for two classes; each row has one value per feature
     * @param intercept one value per coef row
     * @param mean      scaler mean per feature, or null without a scaler
     * @param scale     scaler scale per feature (> 0), or null without a scaler
     * @param ignored   unknown top-level fields that were skipped (empty unless ignoring was asked for)
     */
    public record Parsed(List<String> featureNames, List<String> classes, double[][] coef, double[] intercept,
                         double[] mean, double[] scale, List<String> ignored) {
        public Parsed {
            ignored = List.copyOf(ignored);
        }

        /** The model these fields describe (with the standardiser when the file has one). */
        public LinearModel model() {
            return mean == null && scale == null ? LinearModel.of(coef, intercept, classes, featureNames)
                    : LinearModel.of(coef, intercept, classes, featureNames, mean, scale);
        }
    }

    private LinearModelImport() {
    }

    /**
     * Reads, validates and builds the model. Its provenance records the import: trainer
     * {@value #TRAINER}, the file's name and the SHA-256 of its bytes.
     */
    public static LinearModel load(Path file) {
        return load(file, false);
    }

    /** As {@link #load(Path)}; with {@code ignoreUnknown} unknown top-level fields are skipped and recorded. */
    public static LinearModel load(Path file, boolean ignoreUnknown) {
        Parsed p = read(file, ignoreUnknown);
        LinearModel m = p.model();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("source", String.valueOf(file.getFileName()));
        params.put("scaler", p.mean() != null);
        if (!p.ignored().isEmpty()) {
            params.put("ignored_fields", String.join(",", p.ignored()));
        }
        return m.withProvenance(Provenance.of(TRAINER, params, org.botsec.core.files.SafeFiles.sha256(file), null));
    }

    /** Trainer name recorded in an imported model's provenance. */
    public static final String TRAINER = "import/linear_json";

    /** Reads and validates an import file. */
    public static Parsed read(Path file) {
        return read(file, false);
    }

    /** Reads and validates an import file; with {@code ignoreUnknown} unknown top-level fields are skipped. */
    public static Parsed read(Path file, boolean ignoreUnknown) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw BadInputException.of("%s is a folder, not a JSON file", file);
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw BadInputException.of("%s is %d bytes; the import limit is %d", file, size, MAX_BYTES);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw BadInputException.of("linear model file not found: %s", file);
        } catch (IOException e) {
            throw BadInputException.of("cannot read %s: %s", file, e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw BadInputException.of("%s is not valid JSON: %s", file, e.getOriginalMessage());
        } catch (IOException e) {
            throw BadInputException.of("cannot read %s: %s", file, e);
        }
        return parse(root, file.toString(), ignoreUnknown);
    }

    /** Validates an already parsed JSON document; {@code source} names it in messages. */
    public static Parsed parse(JsonNode root, String source) {
        return parse(root, source, false);
    }

    /** Validates an already parsed JSON document; with {@code ignoreUnknown} unknown top-level fields are skipped. */
    public static Parsed parse(JsonNode root, String source, boolean ignoreUnknown) {
        if (root == null || !root.isObject()) {
            throw BadInputException.of("%s: expected a JSON object", source);
        }
        List<String> ignored = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                if (!ignoreUnknown) {
                    throw BadInputException.of("%s: unknown field %s (allowed: type, feature_names, classes, coef, "
                            + "intercept, scaler; to skip other fields, ignore unknown fields: --ignore-unknown)",
                            source, ModelFiles.excerpt(k));
                }
                ignored.add(k.matches("[A-Za-z0-9_.-]{1,60}") ? k : ModelFiles.excerpt(k));
            }
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual() || !type.asText().equals("logistic_regression")) {
            throw BadInputException.of("%s: \"type\" must be \"logistic_regression\", got %s", source,
                    type == null ? "nothing" : ModelFiles.excerpt(type.toString()));
        }
        List<String> features = names(root, "feature_names", 1, source);
        List<String> classes = names(root, "classes", 2, source);
        int d = features.size();
        int k = classes.size();
        int rows = k == 2 ? 1 : k;
        JsonNode coefNode = root.get("coef");
        if (coefNode == null || !coefNode.isArray()) {
            throw BadInputException.of("%s: \"coef\" must be an array of rows", source);
        }
        if (coefNode.size() != rows) {
            throw BadInputException.of("%s: \"coef\" has %d rows; %d classes need %d (%s)", source, coefNode.size(),
                    k, rows, k == 2 ? "binary models have one row, as in scikit-learn" : "one per class");
        }
        double[][] coef = new double[rows][];
        for (int r = 0; r < rows; r++) {
            coef[r] = numbers(coefNode.get(r), d, "coef[" + r + "]", source, false);
        }
        double[] intercept = numbers(root.get("intercept"), rows, "intercept", source, false);
        double[] mean = null;
        double[] scale = null;
        JsonNode scaler = root.get("scaler");
        if (scaler != null && !scaler.isNull()) {
            if (!scaler.isObject()) {
                throw BadInputException.of("%s: \"scaler\" must be an object with mean and scale", source);
            }
            for (Iterator<String> it = scaler.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("mean") && !f.equals("scale")) {
                    throw BadInputException.of("%s: unknown field scaler.%s (allowed: mean, scale)", source,
                            ModelFiles.excerpt(f));
                }
            }
            mean = numbers(scaler.get("mean"), d, "scaler.mean", source, false);
            scale = numbers(scaler.get("scale"), d, "scaler.scale", source, true);
        }
        return new Parsed(features, classes, coef, intercept, mean, scale, ignored);
    }

    private static List<String> names(JsonNode root, String field, int min, String source) {
        JsonNode n = root.get(field);
        if (n == null || !n.isArray()) {
            throw BadInputException.of("%s: \"%s\" must be an array", source, field);
        }
        if (n.size() < min) {
            throw BadInputException.of("%s: \"%s\" needs at least %d entries, got %d", source, field, min, n.size());
        }
        List<String> out = new ArrayList<>(n.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode v = n.get(i);
            // scikit-learn class labels are often numbers: accept them and use their text
            if (!(v.isTextual() || v.isIntegralNumber() || v.isBoolean()) || v.asText().isEmpty()) {
                throw BadInputException.of("%s: %s[%d] must be a non-empty string, got %s", source, field, i,
                        ModelFiles.excerpt(v.toString()));
            }
            if (!seen.add(v.asText())) {
                throw BadInputException.of("%s: %s has the duplicate entry %s", source, field,
                        ModelFiles.excerpt(v.asText()));
            }
            out.add(v.asText());
        }
        return List.copyOf(out);
    }

    private static double[] numbers(JsonNode n, int length, String field, String source, boolean positive) {
        if (n == null || !n.isArray()) {
            throw BadInputException.of("%s: \"%s\" must be an array of %d numbers", source, field, length);
        }
        if (n.size() != length) {
            throw BadInputException.of("%s: \"%s\" has %d values, expected %d", source, field, n.size(), length);
        }
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            JsonNode v = n.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw BadInputException.of("%s: %s[%d] must be a finite number, got %s", source, field, i,
                        ModelFiles.excerpt(v.toString()));
            }
            out[i] = v.asDouble();
            if (positive && !(out[i] > 0)) {
                throw BadInputException.of("%s: %s[%d] must be > 0, got %s", source, field, i, out[i]);
            }
        }
        return out;
    }
}
