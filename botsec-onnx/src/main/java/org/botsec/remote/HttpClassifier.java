package org.botsec.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.onnx.OutputKind;

/**
 * A prediction endpoint behind an HTTP API as a {@link Classifier} (black-box access only), described by an
 * {@link EndpointMapping}. Rows are sent in batches as the mapping's request template says; the probabilities
 * are read at its JSON pointer and checked (shape, finite, each row a probability vector, or logits turned into
 * probabilities by softmax).
 *
 * <p>Query budget: before each request its rows are reserved against {@code max_queries}; a request that would
 * exceed it is not sent and {@link QueryBudgetExceededException} says how many were used — the endpoint never
 * receives more rows than the budget, retries included. Rate limit: requests are spaced at least
 * 1 / {@code rate_limit_per_second} apart. Failures to connect, timeouts, 429 and 5xx answers are retried up to
 * {@code retries} times after {@code backoff · 2^attempt}; any other 4xx, or an answer that is not the JSON
 * the mapping describes (an HTML error page, say), fails at once with one line. {@link #queries()} counts what
 * was sent. Thread-safe.
 *
 * <p><b>Security guarantees.</b> The auth secret is read once from the environment and sent only in the named
 * header to the mapping's URL; it is never logged or put in an error message. Answers are read up to
 * {@link #MAX_RESPONSE_BYTES}; error messages quote no response text beyond its content type and status.
 */
public final class HttpClassifier implements Model, Classifier {
    /** The model type name. */
    public static final String TYPE = "remote";
    /** Largest response body read. */
    public static final int MAX_RESPONSE_BYTES = 32 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private final EndpointMapping mapping;
    private final String name;
    private final Optional<String> authValue;
    private final HttpClient client;
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Object pace = new Object();
    private long nextRequestNanos = System.nanoTime();

    private HttpClassifier(EndpointMapping mapping, String name, Function<String, String> environment) {
        this.mapping = mapping;
        this.name = name;
        this.authValue = mapping.auth().map(a -> {
            String v = environment.apply(a.env());
            if (v == null || v.isEmpty()) {
                throw BadInputException.of("%s: environment variable %s (the value of the %s header) is not set",
                        name, a.env(), a.header());
            }
            return a.prefix() + v;
        });
        this.client = HttpClient.newBuilder().connectTimeout(mapping.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build(); // no h2c upgrade dance with unknown servers
    }

    /** The endpoint of {@code mapping}, with the auth secret from {@code environment} (e.g. {@code System::getenv}). */
    public static HttpClassifier of(EndpointMapping mapping, Function<String, String> environment) {
        return new HttpClassifier(mapping, "endpoint " + mapping.url(), environment);
    }

    /** The endpoint described by the mapping file at {@code file}, with the secret from the process environment. */
    public static HttpClassifier load(Path file) {
        return of(EndpointMapping.load(file), System::getenv);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> classNames() {
        return mapping.classNames();
    }

    @Override
    public int numFeatures() {
        return mapping.featureNames().size();
    }

    @Override
    public List<String> featureNames() {
        return mapping.featureNames();
    }

    /** The mapping this classifier calls. */
    public EndpointMapping mapping() {
        return mapping;
    }

    /** What has been sent so far. */
    public QueryCount queries() {
        return new QueryCount(queries.get(), requests.get(), retries.get(), mapping.maxQueries());
    }

    @Override
    public Matrix predictProba(Matrix x) {
        if (x.cols() != numFeatures()) {
            throw BadInputException.of("%s takes %d features per row, got %d", name, numFeatures(), x.cols());
        }
        int n = x.rows();
        int k = numClasses();
        Matrix out = new Matrix(n, k);
        for (int start = 0; start < n; start += mapping.batchSize()) {
            int rows = Math.min(mapping.batchSize(), n - start);
            double[][] probs = call(x, start, rows);
            for (int i = 0; i < rows; i++) {
                System.arraycopy(probs[i], 0, out.data(), (start + i) * k, k);
            }
        }
        return out;
    }

    private double[][] call(Matrix x, int start, int rows) {
        JsonNode body = fill(mapping.requestTemplate(), x, start, rows);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a request", e);
        }
        int attempt = 0;
        while (true) {
            reserve(rows);
            pace();
            requests.incrementAndGet();
            HttpRequest.Builder rb = HttpRequest.newBuilder(mapping.url()).timeout(mapping.timeout())
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            authValue.ifPresent(v -> rb.header(mapping.auth().get().header(), v));
            String failure;
            try {
                HttpResponse<InputStream> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = r.statusCode();
                if (status == 429 || status >= 500) {
                    drain(r.body());
                    failure = "answered HTTP " + status;
                } else if (status != 200) {
                    drain(r.body());
                    throw BadInputException.of("%s answered HTTP %d (%s); check the URL and the auth header",
                            name, status, contentType(r));
                } else {
                    return parse(r, rows);
                }
            } catch (HttpTimeoutException e) {
                failure = "timed out after " + mapping.timeout().toMillis() + " ms";
            } catch (ConnectException e) {
                failure = "refused the connection";
            } catch (IOException e) {
                failure = "failed (" + e.getClass().getSimpleName() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw BadInputException.of("%s: interrupted while waiting for the answer", name);
            }
            if (attempt >= mapping.retries()) {
                throw BadInputException.of("%s %s (%d attempts)", name, failure, attempt + 1);
            }
            sleep(mapping.backoff().toMillis() << attempt);
            attempt++;
            retries.incrementAndGet();
        }
    }

    private void reserve(int rows) {
        if (mapping.maxQueries().isEmpty()) {
            queries.addAndGet(rows);
            return;
        }
        long max = mapping.maxQueries().getAsLong();
        while (true) {
            long used = queries.get();
            if (used + rows > max) {
                throw new QueryBudgetExceededException(String.format(Locale.ROOT, "%s: query budget exhausted: %d of "
                        + "%d queries used, the next request needs %d more (raise max_queries in the mapping)", name,
                        used, max, rows));
            }
            if (queries.compareAndSet(used, used + rows)) {
                return;
            }
        }
    }

    private void pace() {
        if (mapping.rateLimitPerSecond().isEmpty()) {
            return;
        }
        long interval = (long) (1e9 / mapping.rateLimitPerSecond().getAsDouble());
        long wait;
        synchronized (pace) {
            long now = System.nanoTime();
            long at = Math.max(now, nextRequestNanos);
            nextRequestNanos = at + interval;
            wait = at - now;
        }
        if (wait > 0) {
            sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private void sleep(long millis) {
        sleep(millis, 0);
    }

    private void sleep(long millis, int nanos) {
        try {
            Thread.sleep(millis, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BadInputException.of("%s: interrupted while waiting to send", name);
        }
    }

    /** The template with the placeholder replaced by rows {@code [start, start + rows)} of {@code x}. */
    private JsonNode fill(JsonNode template, Matrix x, int start, int rows) {
        if (template.isTextual()) {
            String t = template.asText();
            if (t.equals(EndpointMapping.ROWS)) {
                ArrayNode a = JSON.createArrayNode();
                for (int i = 0; i < rows; i++) {
                    a.add(row(x, start + i));
                }
                return a;
            }
            if (t.equals(EndpointMapping.ROW)) {
                return row(x, start);
            }
            return template;
        }
        if (template.isObject()) {
            ObjectNode o = (ObjectNode) template;
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(fill(e.getValue(), x, start, rows));
            }
            return o;
        }
        if (template.isArray()) {
            ArrayNode a = (ArrayNode) template;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, fill(a.get(i), x, start, rows));
            }
            return a;
        }
        return template;
    }

    private static ArrayNode row(Matrix x, int r) {
        ArrayNode a = JSON.createArrayNode();
        int d = x.cols();
        double[] v = x.data();
        for (int j = 0; j < d; j++) {
            a.add(v[r * d + j]);
        }
        return a;
    }

    private double[][] parse(HttpResponse<InputStream> r, int rows) throws IOException {
        String type = contentType(r);
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
        }
        if (body.length > MAX_RESPONSE_BYTES) {
            throw BadInputException.of("%s answered more than %d bytes", name, MAX_RESPONSE_BYTES);
        }
        if (!type.toLowerCase(Locale.ROOT).contains("json")) {
            throw BadInputException.of("%s answered %s, not JSON (an error page or the wrong URL?)", name, type);
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw BadInputException.of("%s answered a body that is not valid JSON (%s)", name, type);
        }
        JsonNode p = doc == null ? null : doc.at(mapping.probabilities());
        if (p == null || p.isMissingNode()) {
            throw BadInputException.of("%s: the answer has nothing at %s", name, mapping.probabilities());
        }
        double[][] out = new double[rows][];
        if (mapping.rowPerRequest()) {
            out[0] = vector(p, 0);
        } else {
            if (!p.isArray() || p.size() != rows) {
                throw BadInputException.of("%s: %s must be an array of %d rows, got %s", name,
                        mapping.probabilities(), rows, p.isArray() ? p.size() + " rows" : p.getNodeType());
            }
            for (int i = 0; i < rows; i++) {
                out[i] = vector(p.get(i), i);
            }
        }
        return out;
    }

    private double[] vector(JsonNode v, int row) {
        int k = numClasses();
        if (!v.isArray() || v.size() != k) {
            throw BadInputException.of("%s: row %d of %s must be an array of %d numbers (one per class)", name, row,
                    mapping.probabilities(), k);
        }
        double[] z = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            JsonNode e = v.get(j);
            if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
                throw BadInputException.of("%s: row %d of %s holds a value that is not a finite number", name, row,
                        mapping.probabilities());
            }
            z[j] = e.asDouble();
            sum += z[j];
        }
        if (mapping.outputKind() == OutputKind.LOGITS) {
            Softmax.softmax(z, 0, k, z, 0);
            return z;
        }
        for (double q : z) {
            if (q < -1e-6 || q > 1 + 1e-6) {
                throw BadInputException.of("%s: row %d of %s is not a probability vector (a value is %s); set "
                        + "\"output_kind\": \"logits\" if it holds scores", name, row, mapping.probabilities(), q);
            }
        }
        if (Math.abs(sum - 1) > 1e-4) {
            throw BadInputException.of("%s: row %d of %s is not a probability vector (it sums to %s)", name, row,
                    mapping.probabilities(), sum);
        }
        return z;
    }

    private static String contentType(HttpResponse<?> r) {
        String t = r.headers().firstValue("Content-Type").orElse("no content type");
        t = t.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 60 ? t.substring(0, 60) : t;
    }

    private static void drain(InputStream in) {
        try (in) {
            in.readNBytes(64 * 1024);
        } catch (IOException ignored) {
            // the answer is an error anyway
        }
    }

    /** The shape of the classifier for messages; the auth value is never part of it. */
    @Override
    public String toString() {
        return "HttpClassifier[" + mapping.url() + "]";
    }
}
