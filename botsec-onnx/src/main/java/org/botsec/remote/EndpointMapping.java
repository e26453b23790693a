package org.botsec.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonPointer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;
import org.botsec.onnx.OutputKind;

/**
 * How to call one prediction endpoint, read from a small JSON file:
 *
 * <pre>{@code
 * {"format": "botsec-remote/1",
 *  "url": "http://127.0.0.1:8080/v1/models/cancer/predict",
 *  "auth": {"header": "Authorization", "env": "BOTSEC_API_KEY", "prefix": "Bearer "},
 *  "request": {"rows": "${rows}"},
 *  "probabilities": "/probabilities",
 *  "output_kind": "probabilities",
 *  "class_names": ["malignant", "benign"],
 *  "feature_names": ["mean_radius", ...],
 *  "batch_size": 64, "max_queries": 10000, "rate_limit_per_second": 20,
 *  "timeout_ms": 10000, "retries": 2, "backoff_ms": 200}
 * }</pre>
 *
 * The request template is any JSON value; a string {@code "${rows}"} in it is replaced by the batch of rows (an
 * array of arrays) and the response's {@code probabilities} pointer (RFC 6901) must lead to an array of as many
 * rows; with {@code "${row}"} each row goes in a request of its own and the pointer leads to one row.
 * {@code auth} is optional; the secret is read from the named environment variable when the model is opened
 * and is never logged or written. {@code feature_names} may be replaced by {@code num_features} (names
 * {@code x0..}). {@code max_queries} (rows sent, retries included) and {@code rate_limit_per_second}
 * (requests) are optional.
 */
public record EndpointMapping(URI url, Optional<Auth> auth, JsonNode requestTemplate, boolean rowPerRequest,
                              JsonPointer probabilities, OutputKind outputKind, List<String> classNames,
                              List<String> featureNames, int batchSize, OptionalLong maxQueries,
                              OptionalDouble rateLimitPerSecond, Duration timeout, int retries, Duration backoff) {
    /** The value of {@code format}. */
    public static final String FORMAT = "botsec-remote/1";
    /** The placeholder for a batch of rows. */
    public static final String ROWS = "${rows}";
    /** The placeholder for one row. */
    public static final String ROW = "${row}";
    /** Largest mapping file read. */
    static final int MAX_FILE_BYTES = 4 << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    private static final Set<String> KEYS = Set.of("format", "url", "auth", "request", "probabilities",
            "output_kind", "class_names", "feature_names", "num_features", "batch_size", "max_queries",
            "rate_limit_per_second", "timeout_ms", "retries", "backoff_ms");

    /** An auth header whose value is {@code prefix} + the environment variable {@code env}. */
    public record Auth(String header, String env, String prefix) {
    }

    public EndpointMapping {
        requestTemplate = requestTemplate.deepCopy();
        classNames = List.copyOf(classNames);
        featureNames = List.copyOf(featureNames);
    }

    @Override
    public JsonNode requestTemplate() {
        return requestTemplate.deepCopy();
    }

    /** Reads and checks a mapping file; every problem is one line naming the key. */
    public static EndpointMapping load(Path file) {
        String text = SafeFiles.readSmallUtf8(file, MAX_FILE_BYTES, "endpoint mapping");
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw BadInputException.of("endpoint mapping %s is not valid JSON (%s)", file, e.getOriginalMessage());
        }
        return parse(o, file.toString());
    }

    /** Checks a mapping given as JSON; {@code source} names it in messages. */
    public static EndpointMapping parse(JsonNode o, String source) {
        if (o == null || !o.isObject()) {
            throw BadInputException.of("endpoint mapping %s must be a JSON object", source);
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw BadInputException.of("endpoint mapping %s: unknown key %s (keys: %s)", source, excerpt(k),
                        String.join(", ", new java.util.TreeSet<>(KEYS)));
            }
        }
        if (!FORMAT.equals(o.path("format").asText())) {
            throw BadInputException.of("endpoint mapping %s: \"format\" must be \"%s\"", source, FORMAT);
        }
        URI url;
        try {
            url = new URI(text(o, "url", source));
        } catch (java.net.URISyntaxException e) {
            throw BadInputException.of("endpoint mapping %s: url is not a URL", source);
        }
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw BadInputException.of("endpoint mapping %s: url must be http(s)://host/..., got %s", source,
                    excerpt(url.toString()));
        }
        Optional<Auth> auth = Optional.empty();
        if (o.has("auth")) {
            JsonNode a = o.get("auth");
            String header = a.path("header").asText("Authorization");
            if (!header.matches("[A-Za-z0-9-]{1,64}")) {
                throw BadInputException.of("endpoint mapping %s: auth.header must be a header name, got %s", source,
                        excerpt(header));
            }
            String env = a.path("env").asText("");
            if (!env.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
                throw BadInputException.of("endpoint mapping %s: auth.env must name an environment variable, got %s",
                        source, excerpt(env));
            }
            auth = Optional.of(new Auth(header, env, a.path("prefix").asText("")));
        }
        JsonNode template = o.get("request");
        if (template == null) {
            throw BadInputException.of("endpoint mapping %s: \"request\" (the request template) is missing", source);
        }
        int rows = count(template, ROWS);
        int row = count(template, ROW);
        if (rows + row != 1) {
            throw BadInputException.of("endpoint mapping %s: the request template must hold exactly one \"%s\" or "
                    + "\"%s\" placeholder, found %d", source, ROWS, ROW, rows + row);
        }
        JsonPointer pointer;
        try {
            pointer = JsonPointer.compile(text(o, "probabilities", source));
        } catch (IllegalArgumentException e) {
            throw BadInputException.of("endpoint mapping %s: probabilities must be a JSON pointer such as "
                    + "/probabilities, got %s", source, excerpt(o.get("probabilities").asText()));
        }
        OutputKind kind = o.has("output_kind") ? OutputKind.parse(o.get("output_kind").asText())
                : OutputKind.PROBABILITIES;
        List<String> classes = names(o.get("class_names"), "class_names", source);
        if (classes.size() < 2) {
            throw BadInputException.of("endpoint mapping %s: class_names needs at least 2 classes", source);
        }
        List<String> features;
        if (o.has("feature_names")) {
            features = names(o.get("feature_names"), "feature_names", source);
        } else {
            long n = integer(o, "num_features", -1, 1, 10_000_000, source);
            if (n < 0) {
                throw BadInputException.of("endpoint mapping %s: give feature_names or num_features", source);
            }
            features = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                features.add("x" + i);
            }
        }
        int batch = row == 1 ? 1 : (int) integer(o, "batch_size", 64, 1, 100_000, source);
        long max = integer(o, "max_queries", -1, 1, Long.MAX_VALUE, source);
        OptionalDouble rate = OptionalDouble.empty();
        if (o.has("rate_limit_per_second")) {
            double r = o.get("rate_limit_per_second").asDouble(Double.NaN);
            if (!(r > 0 && r <= 1e6)) {
                throw BadInputException.of("endpoint mapping %s: rate_limit_per_second must be in (0, 1e6], got %s",
                        source, o.get("rate_limit_per_second"));
            }
            rate = OptionalDouble.of(r);
        }
        Duration timeout = Duration.ofMillis(integer(o, "timeout_ms", 30_000, 1, 3_600_000, source));
        int retries = (int) integer(o, "retries", 2, 0, 10, source);
        Duration backoff = Duration.ofMillis(integer(o, "backoff_ms", 200, 0, 60_000, source));
        return new EndpointMapping(url, auth, template, row == 1, pointer, kind, classes, features, batch,
                max < 0 ? OptionalLong.empty() : OptionalLong.of(max), rate, timeout, retries, backoff);
    }

    private static int count(JsonNode n, String placeholder) {
        if (n.isTextual()) {
            return n.asText().equals(placeholder) ? 1 : 0;
        }
        int c = 0;
        for (JsonNode e : n) {
            c += count(e, placeholder);
        }
        return c;
    }

    private static String text(JsonNode o, String key, String source) {
        JsonNode v = o.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw BadInputException.of("endpoint mapping %s: \"%s\" must be a non-empty string", source, key);
        }
        return v.asText();
    }

    private static long integer(JsonNode o, String key, long dflt, long min, long max, String source) {
        JsonNode v = o.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw BadInputException.of("endpoint mapping %s: %s must be an integer in %d..%d, got %s", source, key,
                    min, max, excerpt(v.toString()));
        }
        return v.asLong();
    }

    private static List<String> names(JsonNode a, String key, String source) {
        if (a == null || !a.isArray() || a.isEmpty()) {
            throw BadInputException.of("endpoint mapping %s: %s must be a non-empty array of strings", source, key);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isTextual() || e.asText().isEmpty()) {
                throw BadInputException.of("endpoint mapping %s: %s must hold non-empty strings", source, key);
            }
            out.add(e.asText());
        }
        if (new java.util.HashSet<>(out).size() != out.size()) {
            throw BadInputException.of("endpoint mapping %s: %s must be distinct", source, key);
        }
        return out;
    }

    static String excerpt(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 60 ? "'" + clean + "'" : "'" + clean.substring(0, 57) + "...'";
    }
}
