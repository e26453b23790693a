package org.botsec.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.botsec.core.BadInputException;
import org.botsec.core.model.Model;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.Tensor;

/**
 * Reads and writes BotSec model files: <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * files that Python's {@code safetensors} can open.
 *
 * <p>Layout: 8 bytes little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8 JSON
 * {@code {"<tensor>": {"dtype": "F64", "shape": [...], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {...}}}, padded with spaces to a multiple of 8 bytes; then the tensors' raw little-endian
 * bytes, contiguous, with offsets relative to the first byte after the header. safetensors' metadata is a
 * string→string map, so BotSec stores {@code "format": "botsec-model/1"}, {@code "type"} (the model type) and
 * {@code "botsec"} (the model's JSON description, as a string).
 *
 * <p>Security guarantees: {@link #read} checks the file size, the header length (at most
 * {@link #MAX_HEADER_BYTES} and within the file), strict UTF-8, the JSON structure, every dtype (F64 only),
 * shape and offset (non-negative, element count × 8 = byte span, contiguous from 0 without gaps or overlaps,
 * ending exactly at the end of the file), each tensor's SHA-256 when the header has them ({@link #TENSOR_SHA256}; a
 * mismatch is a {@link ModelIntegrityException} naming the tensor) and that all values are finite — all before any tensor memory is
 * allocated, so the memory used is bounded by the file's own size. Any problem is a one-line
 * {@link BadInputException}. No Java serialisation is involved. {@link #write} writes a temporary file next to
 * the target and moves it into place, so a failed write leaves an existing file untouched.
 */
public final class ModelFiles {
    /** The value of {@code __metadata__.format} in files this version writes and reads. */
    public static final String FORMAT = "botsec-model/1";
    /** Largest JSON header accepted (the limit of the safetensors reference implementation: 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /**
     * The {@code __metadata__} key holding each tensor's SHA-256 (a JSON object as a string, tensor name → lower-case
     * hex of the SHA-256 of its raw bytes). Written by this version, checked on load when present; files written
     * before it have none and still load.
     */
    public static final String TENSOR_SHA256 = "tensor_sha256";

    static final String METADATA = "__metadata__";
    static final String DTYPE = "F64";

    /**
     * Reads headers with Jackson's streaming parser into a tree ({@link #readTree}): an {@code ObjectMapper} is not
     * needed to read, and its set-up (date formats, locale data, type factories) was about a tenth of a one-explanation
     * command's start-up (docs/benchmarks.md, "CLI start-up").
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength((int) MAX_HEADER_BYTES).maxNestingDepth(64).build())
            .build();

    /** The mapper that writes headers; in its own class so that reading a model never sets one up. */
    private static final class HeaderWriter {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private ModelFiles() {
    }

    /** Writes {@code model}'s state to {@code path} (see {@link #write(ModelState, Path)}). */
    public static void save(Model model, Path path) {
        write(ModelRegistry.state(model), path);
    }

    /**
     * Reads {@code path} and rebuilds the model with the loader registered for its type; a file that a
     * {@link ForeignModelFormat} on the class path accepts (an ONNX model, an endpoint mapping) is read by it.
     */
    public static Model load(Path path) {
        java.util.Optional<ForeignModelFormat> foreign = foreignFormat(path);
        return foreign.isPresent() ? foreign.get().load(path) : ModelRegistry.fromState(read(path));
    }

    /** The {@link ForeignModelFormat} that reads {@code path}; empty for BotSec's own files (and unreadable ones). */
    static java.util.Optional<ForeignModelFormat> foreignFormat(Path path) {
        byte[] head = head(path);
        for (ForeignModelFormat f : ServiceLoader.load(ForeignModelFormat.class, ModelFiles.class.getClassLoader())) {
            if (f.accepts(path, head)) {
                return java.util.Optional.of(f);
            }
        }
        return java.util.Optional.empty();
    }

    /** The first bytes of {@code path} (empty when it cannot be read: {@link #read} then names the problem). */
    private static byte[] head(Path path) {
        try (java.io.InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(ForeignModelFormat.HEAD_BYTES);
        } catch (IOException | RuntimeException e) {
            return new byte[0];
        }
    }

    /**
     * Writes {@code state} atomically to {@code path} as a safetensors file.
     *
     * @throws BadInputException when a weight is not finite or the file cannot be written
     */
    public static void write(ModelState state, Path path) {
        byte[] bytes = encode(state);
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            if (dir != null && !Files.isDirectory(dir)) {
                throw BadInputException.of("cannot write model file %s: folder %s does not exist", path, dir);
            }
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.write(tmp, bytes, StandardOpenOption.TRUNCATE_EXISTING);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw BadInputException.of("cannot write model file %s: %s", path, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }

    /** The bytes of the safetensors file for {@code state}. */
    static byte[] encode(ModelState state) {
        if (state.type() == null || state.type().isBlank()) {
            throw new IllegalArgumentException("model state needs a type");
        }
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        ObjectNode meta = header.putObject(METADATA);
        meta.put("format", FORMAT);
        meta.put("type", state.type());
        meta.put("botsec", state.description() == null ? "{}" : state.description().toString());
        ObjectNode hashes = JsonNodeFactory.instance.objectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : state.tensors().entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
            }
            Tensor t = e.getValue();
            double[] v = t.values();
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    throw BadInputException.of("model weight %s[%d] is %s; refusing to save a model with "
                            + "non-finite weights (did training diverge?)", name, i, v[i]);
                }
            }
            ObjectNode info = header.putObject(name);
            info.put("dtype", DTYPE);
            ArrayNode shape = info.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            long end = offset + 8L * v.length;
            info.putArray("data_offsets").add(offset).add(end);
            offset = end;
            hashes.put(name, sha256Hex(tensorBytes(v)));
        }
        meta.put(TENSOR_SHA256, hashes.toString());
        byte[] json;
        try {
            json = HeaderWriter.MAPPER.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode model header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : state.tensors().values()) {
            for (double d : t.values()) {
                buf.putDouble(d);
            }
        }
        return buf.array();
    }

    /** A tensor's values as they are stored: float64, little-endian. */
    static byte[] tensorBytes(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return b.array();
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Reads a model file, validating everything before allocating tensor memory.
     *
     * @throws BadInputException naming the first problem found (missing file, truncated file, bad header, ...)
     */
    public static ModelState read(Path path) {
        return readChecked(path).state();
    }

    /**
     * A file read and checked by {@link #read}: its state, the exact header bytes and the SHA-256 of each tensor's
     * bytes as found in the data section (header order). What {@link ModelSignatures} signs.
     */
    record Checked(ModelState state, byte[] headerBytes, LinkedHashMap<String, String> tensorSha256,
            boolean hashesInHeader) {
    }

    /**
     * Whether {@code path} carries per-tensor SHA-256s ({@link #TENSOR_SHA256}), after the full check of
     * {@link #read}; false for files written before they were added.
     */
    public static boolean hasTensorHashes(Path path) {
        return readChecked(path).hashesInHeader();
    }

    static Checked readChecked(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ch, path.toString());
        } catch (NoSuchFileException e) {
            throw BadInputException.of("model file not found: %s", path);
        } catch (IOException e) {
            throw BadInputException.of("cannot read model file %s: %s", path, e);
        }
    }

    private static Checked read(FileChannel ch, String name) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw BadInputException.of("model file %s is too short (%d bytes): not a safetensors file", name, size);
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, name);
        long headerLen = lenBuf.flip().getLong();
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw BadInputException.of("%s is not a safetensors model file (its first 8 bytes give a header length "
                    + "of %s, over the limit of %d bytes)", name, Long.toUnsignedString(headerLen), MAX_HEADER_BYTES);
        }
        if (headerLen > size - 8) {
            throw BadInputException.of("model file %s: header length %d is beyond the end of the file (%d bytes); "
                    + "truncated or not a safetensors file", name, headerLen, size);
        }
        if (headerLen < 2) {
            throw BadInputException.of("model file %s: header length %d is too small", name, headerLen);
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        readFully(ch, headerBuf, 8, name);
        byte[] headerBytes = headerBuf.array().clone();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBuf.flip()).toString();
        } catch (CharacterCodingException e) {
            throw BadInputException.of("model file %s: header is not valid UTF-8", name);
        }
        long dataLen = size - 8 - headerLen;
        Header header = parseHeader(text, dataLen, name);

        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        LinkedHashMap<String, String> found = new LinkedHashMap<>();
        for (Entry e : header.entries) {
            int count = (int) ((e.end - e.begin) / 8);
            ByteBuffer data = ByteBuffer.allocate((int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, data, 8 + headerLen + e.begin, name);
            String sha = sha256Hex(data.array());
            found.put(e.name, sha);
            if (header.tensorSha256 != null && !header.tensorSha256.get(e.name).equals(sha)) {
                // checked before the values are used, so a flipped byte cannot reach a prediction
                throw new ModelIntegrityException(String.format(java.util.Locale.ROOT, "model file %s: tensor %s does "
                        + "not match its SHA-256 in the header (the file was damaged or altered after it was written)",
                        name, excerpt(e.name)));
            }
            data.flip();
            double[] values = new double[count];
            data.asDoubleBuffer().get(values);
            for (int i = 0; i < count; i++) {
                if (!Double.isFinite(values[i])) {
                    throw BadInputException.of("model file %s: tensor %s has a non-finite value (%s) at index %d",
                            name, e.name, values[i], i);
                }
            }
            tensors.put(e.name, new Tensor(e.shape, values));
        }
        // keep the writer's order (the header's order) rather than offset order
        LinkedHashMap<String, Tensor> ordered = new LinkedHashMap<>();
        LinkedHashMap<String, String> hashes = new LinkedHashMap<>();
        for (String n : header.order) {
            ordered.put(n, tensors.get(n));
            hashes.put(n, found.get(n));
        }
        return new Checked(new ModelState(header.type, ordered, header.description), headerBytes, hashes,
                header.tensorSha256 != null);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String name) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw BadInputException.of("model file %s ended early (truncated?)", name);
            }
            pos += n;
        }
    }

    private record Entry(String name, int[] shape, long begin, long end) {
    }

    /** {@code tensorSha256} is null for files written before per-tensor hashes. */
    private record Header(String type, ObjectNode description, List<Entry> entries, List<String> order,
            Map<String, String> tensorSha256) {
    }

    /** Parses and checks the JSON header against a data section of {@code dataLen} bytes. */
    static Header parseHeader(String text, long dataLen, String name) {
        if (!text.startsWith("{")) {
            throw BadInputException.of("model file %s: header does not start with '{': not a safetensors file", name);
        }
        JsonNode root;
        try {
            root = readTree(text);
        } catch (JsonProcessingException e) {
            throw BadInputException.of("model file %s: header is not valid JSON (%s)", name,
                    e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw BadInputException.of("model file %s: header is not a JSON object", name);
        }
        JsonNode meta = root.get(METADATA);
        if (meta == null) {
            throw BadInputException.of("model file %s: no __metadata__ in the header; not a BotSec model file "
                    + "(a plain safetensors file needs a model type and description)", name);
        }
        if (!meta.isObject()) {
            throw BadInputException.of("model file %s: __metadata__ must be an object of strings", name);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw BadInputException.of("model file %s: __metadata__.%s must be a string", name, f.getKey());
            }
        }
        String format = meta.path("format").asText(null);
        if (format == null) {
            throw BadInputException.of("model file %s: __metadata__ has no \"format\"; not a BotSec model file", name);
        }
        if (!format.equals(FORMAT)) {
            throw BadInputException.of("model file %s: unknown model format %s (this BotSec reads %s)", name,
                    excerpt(format), FORMAT);
        }
        String type = meta.path("type").asText("");
        if (type.isBlank()) {
            throw BadInputException.of("model file %s: __metadata__ has no model \"type\"", name);
        }
        String descText = meta.path("botsec").asText(null);
        if (descText == null) {
            throw BadInputException.of("model file %s: __metadata__ has no \"botsec\" description", name);
        }
        JsonNode desc;
        try {
            desc = readTree(descText);
        } catch (JsonProcessingException e) {
            throw BadInputException.of("model file %s: __metadata__.botsec is not valid JSON (%s)", name,
                    e.getOriginalMessage());
        }
        if (desc == null || !desc.isObject()) {
            throw BadInputException.of("model file %s: __metadata__.botsec must be a JSON object", name);
        }

        List<Entry> entries = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA)) {
                continue;
            }
            Entry e = parseEntry(f.getKey(), f.getValue(), dataLen, name);
            entries.add(e);
            order.add(e.name);
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin < expected) {
                throw BadInputException.of("model file %s: tensor %s overlaps the previous tensor (data_offsets "
                        + "begin %d < %d)", name, excerpt(e.name), e.begin, expected);
            }
            if (e.begin > expected) {
                throw BadInputException.of("model file %s: gap in the tensor data before tensor %s (begin %d, "
                        + "expected %d)", name, excerpt(e.name), e.begin, expected);
            }
            expected = e.end;
        }
        if (expected != dataLen) {
            throw BadInputException.of("model file %s: tensors cover %d bytes but the file holds %d bytes after "
                    + "the header (truncated or trailing data)", name, expected, dataLen);
        }
        Map<String, String> hashes = parseHashes(meta.path(TENSOR_SHA256).asText(null), order, name);
        return new Header(type, (ObjectNode) desc, entries, order, hashes);
    }

    /** The header's per-tensor hashes: exactly one lower-case SHA-256 hex per tensor, or null when absent. */
    private static Map<String, String> parseHashes(String text, List<String> tensors, String name) {
        if (text == null) {
            return null;
        }
        JsonNode node;
        try {
            node = readTree(text);
        } catch (JsonProcessingException e) {
            throw BadInputException.of("model file %s: __metadata__.%s is not valid JSON (%s)", name, TENSOR_SHA256,
                    e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw BadInputException.of("model file %s: __metadata__.%s must be a JSON object", name, TENSOR_SHA256);
        }
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!tensors.contains(f.getKey())) {
                throw BadInputException.of("model file %s: __metadata__.%s names %s, which is not a tensor of the file",
                        name, TENSOR_SHA256, excerpt(f.getKey()));
            }
            String hex = f.getValue().asText("");
            if (!f.getValue().isTextual() || !hex.matches("[0-9a-f]{64}")) {
                throw BadInputException.of("model file %s: __metadata__.%s of tensor %s is not a SHA-256 in lower-case "
                        + "hex", name, TENSOR_SHA256, excerpt(f.getKey()));
            }
            hashes.put(f.getKey(), hex);
        }
        for (String t : tensors) {
            if (!hashes.containsKey(t)) {
                throw BadInputException.of("model file %s: tensor %s has no SHA-256 in __metadata__.%s (the header was "
                        + "altered)", name, excerpt(t), TENSOR_SHA256);
            }
        }
        return hashes;
    }

    private static Entry parseEntry(String tensor, JsonNode info, long dataLen, String name) {
        String t = excerpt(tensor);
        if (!info.isObject()) {
            throw BadInputException.of("model file %s: header entry %s is not an object", name, t);
        }
        for (Iterator<String> it = info.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw BadInputException.of("model file %s: tensor %s has an unknown key %s", name, t, excerpt(k));
            }
        }
        JsonNode dtype = info.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw BadInputException.of("model file %s: tensor %s has no dtype", name, t);
        }
        if (!dtype.asText().equals(DTYPE)) {
            throw BadInputException.of("model file %s: tensor %s has dtype %s; BotSec model files use %s", name, t,
                    excerpt(dtype.asText()), DTYPE);
        }
        JsonNode shapeNode = info.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw BadInputException.of("model file %s: tensor %s has no shape array", name, t);
        }
        if (shapeNode.size() > 8) {
            throw BadInputException.of("model file %s: tensor %s has %d dimensions (at most 8 supported)", name, t,
                    shapeNode.size());
        }
        int[] shape = new int[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw BadInputException.of("model file %s: tensor %s has an invalid dimension %s in its shape", name,
                        t, excerpt(d.toString()));
            }
            shape[i] = (int) d.asLong();
            // elements stays ≤ dataLen / 8 + 1 < 2^61 before each multiplication, so this cannot overflow
            elements *= shape[i];
            if (elements > dataLen / 8) {
                throw BadInputException.of("model file %s: tensor %s shape %s needs more bytes than the file holds "
                        + "(%d bytes of data)", name, t, Arrays.toString(shape), dataLen);
            }
        }
        JsonNode off = info.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw BadInputException.of("model file %s: tensor %s needs data_offsets [begin, end]", name, t);
        }
        long[] be = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = off.get(i);
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
                throw BadInputException.of("model file %s: tensor %s has an invalid data offset %s", name, t,
                        excerpt(o.toString()));
            }
            be[i] = o.asLong();
        }
        if (be[1] < be[0] || be[1] > dataLen) {
            throw BadInputException.of("model file %s: tensor %s data_offsets [%d, %d] are outside the data "
                    + "section (%d bytes)", name, t, be[0], be[1], dataLen);
        }
        if (be[1] - be[0] != elements * 8) {
            throw BadInputException.of("model file %s: tensor %s shape %s needs %d bytes but data_offsets span %d",
                    name, t, Arrays.toString(shape), elements * 8, be[1] - be[0]);
        }
        return new Entry(tensor, shape, be[0], be[1]);
    }

    /**
     * Parses one JSON value into a tree as {@code ObjectMapper.readTree} with {@code FAIL_ON_TRAILING_TOKENS} does (the
     * same node types, the same messages for trailing content), with the factory's duplicate-key and size limits.
     */
    static JsonNode readTree(String text) throws JsonProcessingException {
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            JsonNode root = value(p, t);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new JsonParseException(p, String.format("Trailing token (of type %s) found after value (bound as "
                        + "`%s`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`", trailing,
                        JsonNode.class.getName()));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON from a string failed", e);
        }
    }

    /** The tree of the value starting at {@code t}; nesting is bounded by the factory's depth limit. */
    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = f.objectNode();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = f.arrayNode();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    a.add(value(p, v));
                }
                return a;
            }
            case VALUE_STRING:
                return f.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return f.numberNode(p.getIntValue());
                    case LONG:
                        return f.numberNode(p.getLongValue());
                    default:
                        return f.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return f.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return f.booleanNode(true);
            case VALUE_FALSE:
                return f.booleanNode(false);
            case VALUE_NULL:
                return f.nullNode();
            default:
                throw new JsonParseException(p, "Unexpected token (" + t + ")");
        }
    }

    /** A short, printable excerpt of a value read from a file (for error messages). */
    static String excerpt(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 60 ? "'" + clean + "'" : "'" + clean.substring(0, 57) + "...'";
    }
}
