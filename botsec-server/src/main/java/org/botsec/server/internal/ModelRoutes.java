package org.botsec.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.guard.RateLimiter;
import org.botsec.server.ApiKeys;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/models/{name}/predict}: BotSec models served behind the gateway, with the same API keys, rate
 * limits and body checks as the guard endpoints. Body {@code {"rows": [[x11, x12, ...], ...]}} (at most
 * {@link #MAX_ROWS} rows of the model's width, finite numbers); answer {@code {"model", "class_names",
 * "probabilities": [[...], ...]}}. Every other path goes to the wrapped gateway handler unchanged. The rows
 * are not logged.
 */
public final class ModelRoutes extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRoutes.class);
    /** Most rows per request. */
    static final int MAX_ROWS = 10_000;
    private static final Pattern PATH = Pattern.compile("/v1/models/([A-Za-z0-9][A-Za-z0-9._-]{0,63})/predict");

    private final Map<String, Classifier> models;
    private final Admission admission;
    private final RequestBodies bodies;

    /**
     * @param models  served models by name (names: letters, digits, '.', '_', '-'; at most 64)
     * @param apiKeys null for no keys
     * @param limiter null for no limit
     */
    public ModelRoutes(Map<String, Classifier> models, ApiKeys apiKeys, RateLimiter limiter, int maxBodyBytes,
                       Handler gateway) {
        super(gateway);
        this.models = Map.copyOf(models);
        this.admission = new Admission(apiKeys, limiter);
        this.bodies = new RequestBodies(maxBodyBytes);
    }

    /** Whether {@code name} can be served under {@code /v1/models/{name}/predict}. */
    public static boolean validName(String name) {
        return PATH.matcher("/v1/models/" + name + "/predict").matches();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.startsWith("/v1/models/")) {
            return super.handle(request, response, callback);
        }
        Answer answer;
        try {
            answer = predict(path, request);
        } catch (HttpError e) {
            answer = Answer.error(e.status, e.type, e.getMessage(), e.headers);
        } catch (BadInputException e) {
            answer = Answer.error(400, "invalid_request_error", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("internal error on model prediction: {}", e.getClass().getName());
            answer = Answer.error(500, "server_error", "internal error");
        }
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
        return true;
    }

    private Answer predict(String path, Request request) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            throw new HttpError(404, "not_found", "no such endpoint (models are at /v1/models/{name}/predict)");
        }
        if (!"POST".equals(request.getMethod())) {
            throw new HttpError(405, "invalid_request_error", "use POST");
        }
        byte[] raw = bodies.read(request);
        admission.admit(request);
        Classifier c = models.get(m.group(1));
        if (c == null) {
            throw new HttpError(404, "not_found", "no model named " + m.group(1) + " is served here");
        }
        JsonNode body = bodies.parseObject(request, raw);
        JsonNode rows = body.get("rows");
        if (rows == null || !rows.isArray() || rows.isEmpty() || rows.size() > MAX_ROWS) {
            throw new HttpError(400, "invalid_request_error", "body must be {\"rows\": [[numbers], ...]} with 1 to "
                    + MAX_ROWS + " rows");
        }
        int d = c.numFeatures();
        Matrix x = new Matrix(rows.size(), d);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            if (!r.isArray() || r.size() != d) {
                throw new HttpError(400, "invalid_request_error", "row " + i + " must be an array of " + d + " numbers");
            }
            for (int j = 0; j < d; j++) {
                JsonNode v = r.get(j);
                if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                    throw new HttpError(400, "invalid_request_error", "row " + i + ", column " + j
                            + " is not a finite number");
                }
                x.set(i, j, v.asDouble());
            }
        }
        Matrix p = c.predictProba(x);
        ObjectNode out = OpenAiJson.MAPPER.createObjectNode();
        out.put("model", m.group(1));
        ArrayNode names = out.putArray("class_names");
        c.classNames().forEach(names::add);
        ArrayNode probs = out.putArray("probabilities");
        int k = p.cols();
        for (int i = 0; i < p.rows(); i++) {
            ArrayNode row = probs.addArray();
            for (int j = 0; j < k; j++) {
                row.add(p.get(i, j));
            }
        }
        return Answer.json(200, OpenAiJson.write(out));
    }
}
