package org.botsec.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.onnx.internal.OnnxInspector;
import org.botsec.onnx.internal.OnnxInspector.Summary;
import org.botsec.onnx.internal.OnnxInspector.ValueInfo;

/**
 * An ONNX classifier run by ONNX Runtime (CPU) as a BotSec {@link Classifier}.
 *
 * <p>The model takes one tensor of {@code float} or {@code double} whose first dimension is the batch (symbolic,
 * or fixed: a fixed batch of B rows is fed padded) and whose other dimensions are fixed; a row of
 * {@link #numFeatures()} values is reshaped to them (an image model [N, 1, 8, 8] takes 64 pixels per row, in
 * row-major order). Its output is [N, K] (or [N, 1] for a binary model) and holds probabilities or logits
 * ({@link OutputKind}). Class and feature names come from the builder, else from the model's metadata
 * ({@code class_names} / {@code feature_names}: a JSON array or a comma-separated list), else {@code 0..K-1}
 * and {@code x0..}. Settings made by {@code botsec models import-onnx} travel inside the ONNX file (metadata
 * key {@code botsec}), so the file stays loadable by any ONNX runtime.
 *
 * <p>The session is opened once in {@link Builder#build()} and reused; rows are fed in batches of
 * {@link Builder#batchSize} (default 1024). Thread-safe: ONNX Runtime sessions may be run concurrently.
 *
 * <p><b>Security guarantees.</b> The file is read with a size bound ({@link #MAX_FILE_BYTES}) and checked by
 * {@link OnnxInspector} before ONNX Runtime parses it: damaged protobuf, unknown IR versions or opsets, custom
 * operator domains, external-data tensors and tensors that declare more than 2 GB are refused with one line.
 * The model runs in ONNX Runtime's native code; a model from an untrusted source can still compute anything its
 * operators allow, so treat it as code.
 */
public final class OnnxClassifier implements Model, Classifier, AutoCloseable {
    /** The model type name. */
    public static final String TYPE = "onnx";
    /** Largest ONNX file read (protobuf's own limit is 2 GB). */
    public static final long MAX_FILE_BYTES = 1L << 30;
    /** The metadata key under which BotSec's settings are stored. */
    public static final String METADATA_KEY = "botsec";
    /** The value of {@code format} in that JSON. */
    public static final String SETTINGS_FORMAT = "botsec-onnx/1";
    /** Tolerance on the sum of a probability row (float32 softmax is exact to about 1e-7). */
    static final double PROBABILITY_TOLERANCE = 1e-4;

    static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final boolean inputDouble;
    private final String outputName;
    private final OutputKind outputKind;
    private final List<String> classNames;
    private final List<String> featureNames;
    private final int numFeatures;
    private final int batchSize;
    private final int fixedBatch;
    private final int outputColumns;
    private final Settings settings;
    private final FileInfo fileInfo;

    private OnnxClassifier(Builder b, byte[] bytes, Summary summary) {
        this.source = b.source;
        Settings stored = Settings.from(summary.metadata().get(METADATA_KEY), source);
        ValueInfo input = pick(summary.inputs(), b.inputName.or(stored::input), "input");
        ValueInfo output = pick(summary.outputs(), b.outputName.or(stored::output), "output");
        this.inputName = input.name();
        this.outputName = output.name();
        if (input.elemType() != 1 && input.elemType() != 11) {
            throw BadInputException.of("%s: input %s has element type %s; BotSec feeds float or double feature rows",
                    source, OnnxInspector.excerpt(inputName), elemTypeName(input.elemType()));
        }
        this.inputDouble = input.elemType() == 11;
        long[] s = input.shape();
        if (s.length < 2) {
            throw BadInputException.of("%s: input %s has shape %s; BotSec needs [batch, features...] (at least "
                    + "2 dimensions)", source, OnnxInspector.excerpt(inputName), shape(s));
        }
        long f = 1;
        for (int i = 1; i < s.length; i++) {
            if (s[i] <= 0) {
                throw BadInputException.of("%s: input %s has shape %s: dimension %d is dynamic, and BotSec cannot "
                        + "know how to feed it (only the batch dimension may be dynamic)", source,
                        OnnxInspector.excerpt(inputName), shape(s), i);
            }
            f *= s[i];
            if (f > 100_000_000) {
                throw BadInputException.of("%s: input %s has shape %s, over 10^8 features per row", source,
                        OnnxInspector.excerpt(inputName), shape(s));
            }
        }
        this.numFeatures = (int) f;
        this.inputShape = s.clone();
        if (s[0] > 100_000) {
            throw BadInputException.of("%s: input %s has a fixed batch of %d rows (at most 100000 supported)",
                    source, OnnxInspector.excerpt(inputName), s[0]);
        }
        this.fixedBatch = s[0] > 0 ? (int) s[0] : 0;
        if (output.elemType() != 1 && output.elemType() != 11) {
            throw BadInputException.of("%s: output %s has element type %s; a classifier's output must be float or "
                    + "double", source, OnnxInspector.excerpt(outputName), elemTypeName(output.elemType()));
        }
        long[] os = output.shape();
        if (os.length != 2 && os.length != 0) {
            throw BadInputException.of("%s: output %s has shape %s; a classifier's output must be [batch, classes]",
                    source, OnnxInspector.excerpt(outputName), shape(os));
        }
        this.outputKind = b.outputKind.or(stored::outputKind).orElse(OutputKind.PROBABILITIES);
        this.batchSize = b.batchSize.isPresent() ? b.batchSize.getAsInt() : stored.batchSize().orElse(1024);
        int intra = b.intraOpThreads.isPresent() ? b.intraOpThreads.getAsInt() : stored.intraOpThreads().orElse(0);
        int inter = b.interOpThreads.isPresent() ? b.interOpThreads.getAsInt() : 0;
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(intra);
            o.setInterOpNumThreads(inter);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(bytes, o);
        } catch (OrtException e) {
            throw BadInputException.of("%s: ONNX Runtime cannot load the model: %s", source,
                    OnnxInspector.oneLine(e.getMessage()));
        }
        try {
            int declared = os.length == 2 && os[1] > 0 ? (int) os[1] : -1;
            Optional<List<String>> names = b.classNames.or(stored::classNames)
                    .or(() -> namesFromMetadata(summary.metadata(), "class_names", "classes"));
            if (declared < 0) {
                // a symbolic class dimension: run one row of zeros to learn it (also proves the model runs)
                declared = rawScores(new Matrix(1, numFeatures)).cols();
            }
            this.outputColumns = declared;
            int k = declared == 1 ? 2 : declared;
            if (k < 2) {
                throw BadInputException.of("%s: output %s has %d columns; a classifier needs at least 2 classes "
                        + "(or 1 column for a binary model)", source, OnnxInspector.excerpt(outputName), declared);
            }
            this.classNames = checkNames(names.orElseGet(() -> numbered("", k)), k, "class names");
            Optional<List<String>> fnames = b.featureNames.or(stored::featureNames)
                    .or(() -> namesFromMetadata(summary.metadata(), "feature_names"));
            this.featureNames = checkNames(fnames.orElseGet(() -> numbered("x", numFeatures)), numFeatures,
                    "feature names");
        } catch (RuntimeException e) {
            closeSession();
            throw e;
        }
        this.fileInfo = FileInfo.of(summary);
        this.settings = new Settings(Optional.of(inputName), Optional.of(outputName), Optional.of(outputKind),
                Optional.of(classNames), Optional.of(featureNames), OptionalInt.of(batchSize),
                intra == 0 ? OptionalInt.empty() : OptionalInt.of(intra));
    }

    /** A builder reading the model at {@code path}. */
    public static Builder builder(Path path) {
        return new Builder(path);
    }

    /** The model at {@code path} with its stored (or default) settings. */
    public static OnnxClassifier load(Path path) {
        return builder(path).build();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int numFeatures() {
        return numFeatures;
    }

    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    /** What the output holds. */
    public OutputKind outputKind() {
        return outputKind;
    }

    /** The graph input fed. */
    public String inputName() {
        return inputName;
    }

    /** The graph output read. */
    public String outputName() {
        return outputName;
    }

    /** The input shape as declared by the model (-1 for the symbolic batch dimension). */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** Rows per ONNX Runtime call. */
    public int batchSize() {
        return batchSize;
    }

    /** What the file declares: IR version, opsets, every graph input and output, metadata (for {@code models info}). */
    public FileInfo fileInfo() {
        return fileInfo;
    }

    /** The metadata key under which {@link OnnxExport} stores the BotSec model's provenance (JSON), when it had one. */
    public static final String PROVENANCE_KEY = "botsec_provenance";

    /** One graph input or output: name, element type name ({@code float}, {@code double}, ...), shape (-1: symbolic). */
    public record Port(String name, String elemType, long[] shape) {
        public Port {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The shape as text, {@code ?} for a symbolic dimension: {@code [?, 30]}. */
        public String shapeText() {
            return OnnxClassifier.shape(shape);
        }
    }

    /**
     * What an ONNX file declares.
     *
     * @param opsets   operator-set versions by domain ({@code ""} is the default ONNX domain)
     * @param metadata the model's {@code metadata_props}, in file order
     */
    public record FileInfo(long irVersion, Map<String, Long> opsets, List<Port> inputs, List<Port> outputs,
            Map<String, String> metadata) {
        public FileInfo {
            opsets = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(opsets));
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        }

        static FileInfo of(Summary s) {
            return new FileInfo(s.irVersion(), s.opsets(), ports(s.inputs()), ports(s.outputs()), s.metadata());
        }

        private static List<Port> ports(List<ValueInfo> values) {
            return values.stream().map(v -> new Port(v.name(), elemTypeName(v.elemType()), v.shape())).toList();
        }
    }

    /** The settings in force, as stored by {@code import-onnx}. */
    public Settings settings() {
        return settings;
    }

    @Override
    public Matrix predictProba(Matrix x) {
        Matrix z = rawScores(x);
        int n = z.rows();
        int k = classNames.size();
        if (outputKind == OutputKind.LOGITS) {
            return Softmax.probabilities(z, k);
        }
        double[] v = z.data();
        if (outputColumns == 1) {
            Matrix p = new Matrix(n, 2);
            for (int i = 0; i < n; i++) {
                checkProbability(v[i], i, 0);
                p.set(i, 0, 1 - v[i]);
                p.set(i, 1, v[i]);
            }
            return p;
        }
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                checkProbability(v[i * k + j], i, j);
                sum += v[i * k + j];
            }
            if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
                throw BadInputException.of("%s: output %s is not a probability vector (row %d sums to %s); "
                        + "import it with --output-kind logits if it holds scores", source,
                        OnnxInspector.excerpt(outputName), i, sum);
            }
        }
        return z;
    }

    private void checkProbability(double p, int row, int col) {
        if (!(p >= -PROBABILITY_TOLERANCE && p <= 1 + PROBABILITY_TOLERANCE)) {
            throw BadInputException.of("%s: output %s is not a probability vector (row %d, column %d is %s); "
                    + "import it with --output-kind logits if it holds scores", source,
                    OnnxInspector.excerpt(outputName), row, col, p);
        }
    }

    /**
     * The model's raw output for {@code x}, one row per input row (n × K, or n × 1 for a one-column output), in
     * batches of {@link #batchSize()}.
     */
    public Matrix rawScores(Matrix x) {
        if (x.cols() != numFeatures) {
            throw BadInputException.of("%s takes %d features per row, got %d", source, numFeatures, x.cols());
        }
        int n = x.rows();
        int step = fixedBatch > 0 ? fixedBatch : batchSize;
        Matrix out = null;
        double[] src = x.data();
        for (int start = 0; start < n; start += step) {
            int rows = Math.min(step, n - start);
            int fed = fixedBatch > 0 ? fixedBatch : rows;
            long[] shape = inputShape.clone();
            shape[0] = fed;
            double[] chunk = run(src, start * numFeatures, rows, fed, shape);
            int cols = chunk.length / fed;
            if (out == null) {
                out = new Matrix(n, cols);
            } else if (cols != out.cols()) {
                throw BadInputException.of("%s: output %s changed width between batches (%d, then %d)", source,
                        OnnxInspector.excerpt(outputName), out.cols(), cols);
            }
            System.arraycopy(chunk, 0, out.data(), start * cols, rows * cols);
        }
        return out == null ? new Matrix(0, Math.max(outputColumnsOrZero(), 0)) : out;
    }

    private int outputColumnsOrZero() {
        // during construction (probe) outputColumns is still 0
        return outputColumns;
    }

    private double[] run(double[] src, int offset, int rows, int fed, long[] shape) {
        int len = fed * numFeatures;
        try (OnnxTensor t = inputDouble ? doubleTensor(src, offset, rows * numFeatures, len, shape)
                : floatTensor(src, offset, rows * numFeatures, len, shape);
             OrtSession.Result r = session.run(Map.of(inputName, t), new HashSet<>(List.of(outputName)))) {
            OnnxValue v = r.get(0);
            if (!(v instanceof OnnxTensor ot)) {
                throw BadInputException.of("%s: output %s is not a tensor", source, OnnxInspector.excerpt(outputName));
            }
            long[] os = ot.getInfo().getShape();
            long count = ot.getInfo().getNumElements();
            if (os.length != 2 || os[0] != fed || count == 0) {
                throw BadInputException.of("%s: output %s has shape %s for a batch of %d rows; expected [%d, classes]",
                        source, OnnxInspector.excerpt(outputName), shape(os), fed, fed);
            }
            double[] out = new double[(int) count];
            if (ot.getInfo().type == OnnxJavaType.DOUBLE) {
                ot.getDoubleBuffer().get(out);
            } else if (ot.getInfo().type == OnnxJavaType.FLOAT) {
                FloatBuffer fb = ot.getFloatBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = fb.get(i);
                }
            } else {
                throw BadInputException.of("%s: output %s has type %s, not float or double", source,
                        OnnxInspector.excerpt(outputName), ot.getInfo().type);
            }
            for (int i = 0; i < out.length; i++) {
                if (!Double.isFinite(out[i])) {
                    throw BadInputException.of("%s: output %s has a non-finite value (%s) in row %d", source,
                            OnnxInspector.excerpt(outputName), out[i], i / (out.length / fed));
                }
            }
            return out;
        } catch (OrtException e) {
            throw BadInputException.of("%s: ONNX Runtime failed to run the model: %s", source,
                    OnnxInspector.oneLine(e.getMessage()));
        }
    }

    private OnnxTensor floatTensor(double[] src, int offset, int count, int len, long[] shape) throws OrtException {
        FloatBuffer fb = FloatBuffer.allocate(len);
        for (int i = 0; i < count; i++) {
            fb.put(i, (float) src[offset + i]);
        }
        return OnnxTensor.createTensor(env, fb, shape);
    }

    private OnnxTensor doubleTensor(double[] src, int offset, int count, int len, long[] shape) throws OrtException {
        DoubleBuffer db = DoubleBuffer.allocate(len);
        db.put(src, offset, count);
        db.rewind();
        return OnnxTensor.createTensor(env, db, shape);
    }

    /** Closes the ONNX Runtime session. */
    @Override
    public void close() {
        closeSession();
    }

    private void closeSession() {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing to do: the native session is gone either way
        }
    }

    private ValueInfo pick(List<ValueInfo> values, Optional<String> wanted, String what) {
        if (values.isEmpty()) {
            throw BadInputException.of("%s: the model has no graph %s", source, what);
        }
        if (wanted.isPresent()) {
            for (ValueInfo v : values) {
                if (v.name().equals(wanted.get())) {
                    return v;
                }
            }
            throw BadInputException.of("%s: the model has no %s named %s (it has: %s)", source, what,
                    OnnxInspector.excerpt(wanted.get()), names(values));
        }
        if (values.size() > 1 && what.equals("input")) {
            throw BadInputException.of("%s: the model has %d inputs (%s); BotSec feeds one feature tensor", source,
                    values.size(), names(values));
        }
        return values.get(0);
    }

    private static String names(List<ValueInfo> values) {
        List<String> n = new ArrayList<>();
        for (ValueInfo v : values.subList(0, Math.min(values.size(), 8))) {
            n.add(OnnxInspector.excerpt(v.name()));
        }
        return String.join(", ", n) + (values.size() > 8 ? ", ..." : "");
    }

    private static String shape(long[] s) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : ", ").append(s[i] < 0 ? "?" : Long.toString(s[i]));
        }
        return b.append(']').toString();
    }

    private static String elemTypeName(int t) {
        String[] names = {"undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string",
            "bool", "float16", "double", "uint32", "uint64", "complex64", "complex128", "bfloat16"};
        return t >= 0 && t < names.length ? names[t] : "type " + t;
    }

    private List<String> checkNames(List<String> names, int expected, String what) {
        if (names.size() != expected) {
            throw BadInputException.of("%s: %d %s given, but the model has %d", source, names.size(), what, expected);
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw BadInputException.of("%s: %s must be distinct", source, what);
        }
        return List.copyOf(names);
    }

    private static List<String> numbered(String prefix, int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(prefix + i);
        }
        return l;
    }

    private Optional<List<String>> namesFromMetadata(Map<String, String> meta, String... keys) {
        for (String k : keys) {
            String v = meta.get(k);
            if (v != null) {
                return Optional.of(parseNames(v, source + " metadata " + k));
            }
        }
        return Optional.empty();
    }

    /** Names given as a JSON array of strings or a comma-separated list. */
    static List<String> parseNames(String text, String what) {
        String t = text.trim();
        List<String> out = new ArrayList<>();
        if (t.startsWith("[")) {
            try {
                JsonNode a = JSON.readTree(t);
                for (JsonNode e : a) {
                    if (!e.isTextual() && !e.isNumber()) {
                        throw BadInputException.of("%s: names must be strings", what);
                    }
                    out.add(e.asText());
                }
            } catch (JsonProcessingException e) {
                throw BadInputException.of("%s is not a JSON array of names (%s)", what, e.getOriginalMessage());
            }
        } else {
            for (String s : t.split(",", -1)) {
                out.add(s.trim());
            }
        }
        if (out.isEmpty() || out.stream().anyMatch(String::isEmpty)) {
            throw BadInputException.of("%s: names must be non-empty", what);
        }
        return out;
    }

    /** Reads a model file, bounded by {@link #MAX_FILE_BYTES}. */
    static byte[] readBounded(Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw BadInputException.of("ONNX model %s is %d bytes, over the limit of %d", path, size,
                        MAX_FILE_BYTES);
            }
            try (InputStream in = Files.newInputStream(path)) {
                byte[] b = in.readNBytes((int) size + 1);
                if (b.length > size) {
                    throw BadInputException.of("ONNX model %s grew while it was read", path);
                }
                return b;
            }
        } catch (NoSuchFileException e) {
            throw BadInputException.of("ONNX model file not found: %s", path);
        } catch (IOException e) {
            throw BadInputException.of("cannot read ONNX model %s: %s", path, e.getMessage());
        }
    }

    /**
     * BotSec's settings for an ONNX model, stored as JSON under the metadata key {@value #METADATA_KEY}; every
     * field is optional.
     */
    public record Settings(Optional<String> input, Optional<String> output, Optional<OutputKind> outputKind,
                           Optional<List<String>> classNames, Optional<List<String>> featureNames,
                           OptionalInt batchSize, OptionalInt intraOpThreads) {
        public Settings {
            classNames = classNames.map(List::copyOf);
            featureNames = featureNames.map(List::copyOf);
        }

        static final Settings NONE = new Settings(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty());

        /** The JSON stored in the model file. */
        public String toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("format", SETTINGS_FORMAT);
            input.ifPresent(v -> o.put("input", v));
            output.ifPresent(v -> o.put("output", v));
            outputKind.ifPresent(v -> o.put("output_kind", v.label()));
            classNames.ifPresent(v -> {
                ArrayNode a = o.putArray("class_names");
                v.forEach(a::add);
            });
            featureNames.ifPresent(v -> {
                ArrayNode a = o.putArray("feature_names");
                v.forEach(a::add);
            });
            batchSize.ifPresent(v -> o.put("batch_size", v));
            intraOpThreads.ifPresent(v -> o.put("intra_op_threads", v));
            return o.toString();
        }

        static Settings from(String json, String source) {
            if (json == null) {
                return NONE;
            }
            JsonNode o;
            try {
                o = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw BadInputException.of("%s: metadata %s is not JSON (%s)", source, METADATA_KEY,
                        e.getOriginalMessage());
            }
            if (o == null || !o.isObject() || !SETTINGS_FORMAT.equals(o.path("format").asText())) {
                throw BadInputException.of("%s: metadata %s is not BotSec settings (%s)", source, METADATA_KEY,
                        SETTINGS_FORMAT);
            }
            return new Settings(text(o, "input"), text(o, "output"), text(o, "output_kind").map(OutputKind::parse),
                    names(o, "class_names", source), names(o, "feature_names", source), integer(o, "batch_size"),
                    integer(o, "intra_op_threads"));
        }

        private static Optional<String> text(JsonNode o, String k) {
            return o.hasNonNull(k) ? Optional.of(o.get(k).asText()) : Optional.empty();
        }

        private static OptionalInt integer(JsonNode o, String k) {
            return o.hasNonNull(k) && o.get(k).canConvertToInt() ? OptionalInt.of(o.get(k).asInt())
                    : OptionalInt.empty();
        }

        private static Optional<List<String>> names(JsonNode o, String k, String source) {
            return o.hasNonNull(k) ? Optional.of(parseNames(o.get(k).toString(), source + " metadata " + k))
                    : Optional.empty();
        }
    }

    /**
     * Settings of an ONNX classifier; each may be made once. Unset values come from the settings stored in the
     * file by {@code import-onnx}, then from the model's metadata, then from the defaults.
     */
    public static final class Builder {
        private final Path path;
        private final String source;
        private Optional<String> inputName = Optional.empty();
        private Optional<String> outputName = Optional.empty();
        private Optional<OutputKind> outputKind = Optional.empty();
        private Optional<List<String>> classNames = Optional.empty();
        private Optional<List<String>> featureNames = Optional.empty();
        private OptionalInt batchSize = OptionalInt.empty();
        private OptionalInt intraOpThreads = OptionalInt.empty();
        private OptionalInt interOpThreads = OptionalInt.empty();

        private Builder(Path path) {
            this.path = java.util.Objects.requireNonNull(path, "path");
            this.source = "ONNX model " + path;
        }

        private static void once(Object current, String name) {
            boolean set = current instanceof Optional<?> o ? o.isPresent() : ((OptionalInt) current).isPresent();
            if (set) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /** The graph input to feed (default: the only input). */
        public Builder inputName(String name) {
            once(inputName, "inputName");
            inputName = Optional.of(name);
            return this;
        }

        /** The graph output to read (default: the first output). */
        public Builder outputName(String name) {
            once(outputName, "outputName");
            outputName = Optional.of(name);
            return this;
        }

        /** What the output holds (default: probabilities, checked on every batch). */
        public Builder outputKind(OutputKind kind) {
            once(outputKind, "outputKind");
            outputKind = Optional.of(kind);
            return this;
        }

        /** Class names in output column order. */
        public Builder classNames(List<String> names) {
            once(classNames, "classNames");
            classNames = Optional.of(List.copyOf(names));
            return this;
        }

        /** Feature names in input order (used to pick CSV columns). */
        public Builder featureNames(List<String> names) {
            once(featureNames, "featureNames");
            featureNames = Optional.of(List.copyOf(names));
            return this;
        }

        /** Rows per ONNX Runtime call, 1..65536 (default 1024). */
        public Builder batchSize(int rows) {
            once(batchSize, "batchSize");
            if (rows < 1 || rows > 65536) {
                throw BadInputException.of("batch size must be in 1..65536, got %d", rows);
            }
            batchSize = OptionalInt.of(rows);
            return this;
        }

        /** Threads inside one operator (0 = ONNX Runtime's default: one per core). */
        public Builder intraOpThreads(int threads) {
            once(intraOpThreads, "intraOpThreads");
            if (threads < 0 || threads > 256) {
                throw BadInputException.of("intra-op threads must be in 0..256, got %d", threads);
            }
            intraOpThreads = OptionalInt.of(threads);
            return this;
        }

        /** Threads running independent operators in parallel (0 = ONNX Runtime's default). */
        public Builder interOpThreads(int threads) {
            once(interOpThreads, "interOpThreads");
            if (threads < 0 || threads > 256) {
                throw BadInputException.of("inter-op threads must be in 0..256, got %d", threads);
            }
            interOpThreads = OptionalInt.of(threads);
            return this;
        }

        /**
         * Checks the model as {@link #build()} does (including one prediction when the class count is symbolic)
         * and writes it to {@code out} with these settings stored in its metadata (key {@value #METADATA_KEY});
         * every other byte of the model is kept. Returns the classifier.
         */
        public OnnxClassifier importTo(Path out) {
            byte[] bytes = readBounded(path);
            OnnxClassifier c = build(bytes);
            try {
                Summary s = OnnxInspector.inspect(bytes, source);
                byte[] rewritten = org.botsec.onnx.internal.OnnxWriter.replaceMetadata(bytes, s,
                        Map.of(METADATA_KEY, c.settings().toJson()));
                org.botsec.onnx.internal.OnnxWriter.writeAtomically(out, rewritten);
                return c;
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }

        /** Reads and checks the file and opens the session. */
        public OnnxClassifier build() {
            byte[] bytes = readBounded(path);
            return build(bytes);
        }

        OnnxClassifier build(byte[] bytes) {
            Summary s = OnnxInspector.inspect(bytes, source);
            return new OnnxClassifier(this, bytes, s);
        }
    }
}
