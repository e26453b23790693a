package org.botsec.flower.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.flower.internal.proto.ConfigRecord;
import org.botsec.flower.internal.proto.ConfigRecordValue;
import org.botsec.flower.internal.proto.Message;
import org.botsec.flower.internal.proto.Metadata;
import org.botsec.flower.internal.proto.MetricRecord;
import org.botsec.flower.internal.proto.MetricRecordValue;
import org.botsec.flower.internal.proto.ObjectTree;

/**
 * Flower messages as trees of content-addressed objects (Flower 1.20+): a {@code Message} object (metadata and error
 * as protobuf, message ID blanked) whose child is a {@code RecordDict} (JSON: record name → object ID), whose children
 * are {@code ArrayRecord} (JSON: array name → object ID), {@code ConfigRecord} and {@code MetricRecord} (protobuf)
 * objects; an {@code Array} (JSON: dtype, shape, stype and the indices of its chunks in its head's child list) is
 * split into {@code ArrayChunk}s of at most {@link #MAX_CHUNK_BYTES} raw bytes, so repeated chunks are stored once.
 */
public final class FlowerRecords {
    /** Flower's array chunk size (FLWR_PRIVATE_MAX_ARRAY_CHUNK_SIZE default): 5 MiB. */
    public static final int MAX_CHUNK_BYTES = 5 * 1024 * 1024;
    /** Bound on the body of any object other than an ArrayChunk. */
    public static final int MAX_META_BYTES = 1024 * 1024;
    /** The stype of NumPy-serialised arrays. */
    public static final String NUMPY = "numpy.ndarray";

    private FlowerRecords() {
    }

    /**
     * One array of an ArrayRecord: its dtype, shape and element bytes (little-endian, C order), as Flower's NumPy
     * serialisation carries them; {@link #values()} and {@link #longValues()} convert.
     */
    public record FlowerArray(NpyDtype dtype, int[] shape, byte[] data) {
        public FlowerArray {
            shape = shape.clone();
            data = data.clone();
            long n = Npy.elements(shape);
            if (n < 0 || n * dtype.width() != data.length) {
                throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " of "
                        + dtype.flowerName() + " does not hold " + data.length + " bytes");
            }
        }

        /** A float64/float32 (or, for whole values in range, int64/int32) array from doubles in C order. */
        public static FlowerArray ofDoubles(NpyDtype dtype, int[] shape, double[] values) {
            return new FlowerArray(dtype, shape, Npy.fromDoubles(dtype, values));
        }

        /** An int64/int32 array from longs in C order. */
        public static FlowerArray ofLongs(NpyDtype dtype, int[] shape, long[] values) {
            return new FlowerArray(dtype, shape, Npy.fromLongs(dtype, values));
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** The element count. */
        public int size() {
            return data.length / dtype.width();
        }

        /** The values as doubles (int64 beyond ±2^53 rounds to the nearest double). */
        public double[] values() {
            return Npy.toDoubles(dtype, data);
        }

        /** The values of an int64/int32 array, exact. */
        public long[] longValues() {
            return Npy.toLongs(dtype, data);
        }
    }

    /** A decoded RecordDict: records by name, each kind in insertion order. */
    public record Content(Map<String, Map<String, FlowerArray>> arrayRecords,
                          Map<String, Map<String, Object>> configRecords,
                          Map<String, Map<String, Object>> metricRecords) {
        public Content {
            arrayRecords = Collections.unmodifiableMap(new LinkedHashMap<>(arrayRecords));
            configRecords = Collections.unmodifiableMap(new LinkedHashMap<>(configRecords));
            metricRecords = Collections.unmodifiableMap(new LinkedHashMap<>(metricRecords));
        }

        public static Content empty() {
            return new Content(Map.of(), Map.of(), Map.of());
        }
    }

    /** A decoded message: its metadata (from the Message object), an error or content. */
    public record Decoded(Metadata metadata, Optional<org.botsec.flower.internal.proto.Error> error, Content content) {
    }

    /** An encoded message: the root (message) ID, its object tree and every object's content in post-order. */
    public record Encoded(String messageId, ObjectTree tree, Map<String, byte[]> objects) {
        public Encoded {
            objects = Collections.unmodifiableMap(new LinkedHashMap<>(objects));
        }
    }

    /** The distinct object IDs of {@code tree} in post-order (children before parents). */
    public static List<String> postOrder(ObjectTree tree, int maxObjects) {
        LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>();
        walk(tree, seen, maxObjects, 0);
        return new ArrayList<>(seen.keySet());
    }

    private static void walk(ObjectTree t, Map<String, Boolean> seen, int maxObjects, int depth) {
        if (depth > 8) {
            throw new BadInputException("object tree is deeper than 8 levels (a Flower message has 5)");
        }
        if (!ObjectContent.isObjectId(t.getObjectId())) {
            throw new BadInputException("object tree holds an ID that is not a SHA-256 hex string");
        }
        for (ObjectTree c : t.getChildrenList()) {
            walk(c, seen, maxObjects, depth + 1);
        }
        seen.put(t.getObjectId(), Boolean.TRUE);
        if (seen.size() > maxObjects) {
            throw BadInputException.of("message has more than %d objects", maxObjects);
        }
    }

    /**
     * Decodes a pulled message from its tree and the verified objects (every ID of the tree must be present).
     *
     * @throws BadInputException when an object's type, children or body does not fit its place in the tree
     */
    public static Decoded decode(ObjectTree tree, Map<String, ObjectContent> objects, long maxArrayValues) {
        ObjectContent msg = node(tree, objects, "Message");
        Message m;
        try {
            m = Message.parseFrom(msg.body());
        } catch (InvalidProtocolBufferException e) {
            throw BadInputException.of("message %s: body is not a Flower Message protobuf", tree.getObjectId());
        }
        if (m.hasError()) {
            return new Decoded(m.getMetadata(), Optional.of(m.getError()), Content.empty());
        }
        if (tree.getChildrenCount() != 1) {
            throw BadInputException.of("message %s carries no error, so it must have one RecordDict child, has %d",
                    tree.getObjectId(), tree.getChildrenCount());
        }
        ObjectTree rdTree = tree.getChildren(0);
        ObjectContent rd = node(rdTree, objects, "RecordDict");
        Map<String, ObjectTree> byId = children(rdTree);
        Map<String, Map<String, FlowerArray>> arrays = new LinkedHashMap<>();
        Map<String, Map<String, Object>> configs = new LinkedHashMap<>();
        Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : refs(rd, rdTree.getObjectId()).entrySet()) {
            ObjectTree child = byId.get(e.getValue());
            if (child == null) {
                throw BadInputException.of("RecordDict %s names record '%s' that is not among its children",
                        rdTree.getObjectId(), e.getKey());
            }
            ObjectContent rec = objects.get(child.getObjectId());
            switch (rec.type()) {
                case "ArrayRecord" -> arrays.put(e.getKey(), arrayRecord(child, objects, maxArrayValues));
                case "ConfigRecord" -> configs.put(e.getKey(), configRecord(node(child, objects, "ConfigRecord")));
                case "MetricRecord" -> metrics.put(e.getKey(), metricRecord(node(child, objects, "MetricRecord")));
                default -> throw BadInputException.of("RecordDict child '%s' has type %s", e.getKey(), rec.type());
            }
        }
        return new Decoded(m.getMetadata(), Optional.empty(), new Content(arrays, configs, metrics));
    }

    private static Map<String, FlowerArray> arrayRecord(ObjectTree t, Map<String, ObjectContent> objects,
                                                        long maxArrayValues) {
        ObjectContent ar = node(t, objects, "ArrayRecord");
        Map<String, ObjectTree> byId = children(t);
        Map<String, FlowerArray> out = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, String> e : refs(ar, t.getObjectId()).entrySet()) {
            ObjectTree at = byId.get(e.getValue());
            if (at == null) {
                throw BadInputException.of("ArrayRecord %s names array '%s' that is not among its children",
                        t.getObjectId(), e.getKey());
            }
            FlowerArray a = array(at, objects, maxArrayValues - total);
            total += a.size();
            out.put(e.getKey(), a);
        }
        return out;
    }

    private static FlowerArray array(ObjectTree t, Map<String, ObjectContent> objects, long maxValues) {
        ObjectContent a = node(t, objects, "Array");
        JsonNode meta = json(a, t.getObjectId());
        String dtypeName = meta.path("dtype").asText("");
        String stype = meta.path("stype").asText("");
        if (!NUMPY.equals(stype)) {
            throw BadInputException.of("array %s has stype '%s'; only %s is supported", t.getObjectId(), stype, NUMPY);
        }
        NpyDtype dtype = NpyDtype.ofFlowerName(dtypeName).orElseThrow(() -> BadInputException.of(
                "array %s has dtype '%s'; supported: %s", t.getObjectId(), dtypeName, NpyDtype.supported()));
        JsonNode idx = meta.path("arraychunk_ids");
        if (!idx.isArray()) {
            throw BadInputException.of("array %s has no arraychunk_ids list", t.getObjectId());
        }
        List<String> headChildren = a.children();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long bytes = 0;
        for (JsonNode i : idx) {
            if (!i.canConvertToInt() || i.asInt() < 0 || i.asInt() >= headChildren.size()) {
                throw BadInputException.of("array %s: chunk index %s is outside its %d children", t.getObjectId(),
                        i, headChildren.size());
            }
            ObjectContent chunk = objects.get(headChildren.get(i.asInt()));
            if (chunk == null || !chunk.type().equals("ArrayChunk")) {
                throw BadInputException.of("array %s: chunk %d is not an ArrayChunk object", t.getObjectId(),
                        i.asInt());
            }
            byte[] body = chunk.body();
            bytes += body.length;
            if (bytes > maxValues * 8 + 1024 * 1024) {
                throw BadInputException.of("array %s is larger than the limit of %d values", t.getObjectId(),
                        maxValues);
            }
            data.writeBytes(body);
        }
        Npy.Decoded d = Npy.read(data.toByteArray(), maxValues);
        if (d.dtype() != dtype) {
            throw BadInputException.of("array %s states dtype %s but its data is %s", t.getObjectId(),
                    dtype.flowerName(), d.dtype().flowerName());
        }
        int[] shape = d.shape();
        JsonNode s = meta.path("shape");
        if (!s.isArray() || s.size() != shape.length) {
            throw BadInputException.of("array %s: stated shape %s differs from its data's", t.getObjectId(), s);
        }
        for (int i = 0; i < shape.length; i++) {
            if (s.get(i).asInt(-1) != shape[i]) {
                throw BadInputException.of("array %s: stated shape %s differs from its data's", t.getObjectId(), s);
            }
        }
        return new FlowerArray(dtype, shape, d.data());
    }

    private static Map<String, Object> configRecord(ObjectContent c) {
        ConfigRecord r;
        try {
            r = ConfigRecord.parseFrom(c.body());
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException("ConfigRecord body is not protobuf");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ConfigRecord.Item it : r.getItemsList()) {
            ConfigRecordValue v = it.getValue();
            switch (v.getValueCase()) {
                case DOUBLE -> out.put(it.getKey(), v.getDouble());
                case SINT64 -> out.put(it.getKey(), v.getSint64());
                case UINT64 -> out.put(it.getKey(), v.getUint64());
                case BOOL -> out.put(it.getKey(), v.getBool());
                case STRING -> out.put(it.getKey(), v.getString());
                default -> out.put(it.getKey(), v.getValueCase().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }

    private static Map<String, Object> metricRecord(ObjectContent c) {
        MetricRecord r;
        try {
            r = MetricRecord.parseFrom(c.body());
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException("MetricRecord body is not protobuf");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (MetricRecord.Item it : r.getItemsList()) {
            MetricRecordValue v = it.getValue();
            switch (v.getValueCase()) {
                case DOUBLE -> out.put(it.getKey(), v.getDouble());
                case SINT64 -> out.put(it.getKey(), v.getSint64());
                case UINT64 -> out.put(it.getKey(), v.getUint64());
                default -> out.put(it.getKey(), v.getValueCase().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }

    private static ObjectContent node(ObjectTree t, Map<String, ObjectContent> objects, String type) {
        ObjectContent c = objects.get(t.getObjectId());
        if (c == null) {
            throw BadInputException.of("object %s was not pulled", t.getObjectId());
        }
        if (!c.type().equals(type)) {
            throw BadInputException.of("object %s is a %s where a %s belongs", t.getObjectId(), c.type(), type);
        }
        Set<String> tree = new HashSet<>();
        for (ObjectTree ch : t.getChildrenList()) {
            tree.add(ch.getObjectId());
        }
        if (!tree.equals(new HashSet<>(c.children()))) {
            throw BadInputException.of("object %s: children in its head differ from the message's object tree",
                    t.getObjectId());
        }
        if (!type.equals("ArrayChunk") && c.body().length > MAX_META_BYTES) {
            throw BadInputException.of("object %s (%s): body exceeds %d bytes", t.getObjectId(), type,
                    MAX_META_BYTES);
        }
        return c;
    }

    private static Map<String, ObjectTree> children(ObjectTree t) {
        Map<String, ObjectTree> m = new LinkedHashMap<>();
        for (ObjectTree c : t.getChildrenList()) {
            m.put(c.getObjectId(), c);
        }
        return m;
    }

    private static JsonNode json(ObjectContent c, String id) {
        try {
            JsonNode n = PythonJson.read(c.body());
            if (!n.isObject()) {
                throw BadInputException.of("object %s (%s): body is not a JSON object", id, c.type());
            }
            return n;
        } catch (IOException e) {
            throw BadInputException.of("object %s (%s): body is not JSON", id, c.type());
        }
    }

    private static Map<String, String> refs(ObjectContent c, String id) {
        Map<String, String> out = new LinkedHashMap<>();
        var it = json(c, id).fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual() || !ObjectContent.isObjectId(e.getValue().asText())) {
                throw BadInputException.of("object %s (%s): entry '%s' is not an object ID", id, c.type(),
                        e.getKey());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    // ---- encoding -------------------------------------------------------------------------------------------------

    /** Collects objects in post-order without duplicates and builds the matching tree nodes. */
    private static final class Builder {
        final LinkedHashMap<String, byte[]> objects = new LinkedHashMap<>();

        ObjectTree add(ObjectContent c, List<ObjectTree> children) {
            byte[] bytes = c.encode();
            String id = ObjectContent.sha256Hex(bytes);
            objects.putIfAbsent(id, bytes);
            return ObjectTree.newBuilder().setObjectId(id).addAllChildren(children).build();
        }
    }

    /** Encodes an array (NumPy .npy bytes split into chunks) and returns its tree. */
    private static ObjectTree encodeArray(Builder b, FlowerArray a) {
        byte[] npy = Npy.write(a.dtype(), a.shape(), a.data());
        List<String> unique = new ArrayList<>();
        List<ObjectTree> uniqueTrees = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        for (int start = 0; start < npy.length; start += MAX_CHUNK_BYTES) {
            int end = Math.min(npy.length, start + MAX_CHUNK_BYTES);
            byte[] part = java.util.Arrays.copyOfRange(npy, start, end);
            ObjectTree ct = b.add(new ObjectContent("ArrayChunk", List.of(), part), List.of());
            int at = unique.indexOf(ct.getObjectId());
            if (at < 0) {
                unique.add(ct.getObjectId());
                uniqueTrees.add(ct);
                at = unique.size() - 1;
            }
            indices.add(at);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("dtype", a.dtype().flowerName());
        List<Integer> shape = new ArrayList<>();
        for (int s : a.shape()) {
            shape.add(s);
        }
        meta.put("shape", shape);
        meta.put("stype", NUMPY);
        meta.put("arraychunk_ids", indices);
        return b.add(new ObjectContent("Array", unique, PythonJson.write(meta)), uniqueTrees);
    }

    /** A MetricRecord body: integers as sint64 (uint64 above Long range is not produced), other numbers as double. */
    public static byte[] metricBody(Map<String, ? extends Number> metrics) {
        MetricRecord.Builder r = MetricRecord.newBuilder();
        for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
            MetricRecordValue.Builder v = MetricRecordValue.newBuilder();
            if (e.getValue() instanceof Integer || e.getValue() instanceof Long) {
                v.setSint64(e.getValue().longValue());
            } else {
                v.setDouble(e.getValue().doubleValue());
            }
            r.addItems(MetricRecord.Item.newBuilder().setKey(e.getKey()).setValue(v));
        }
        return r.build().toByteArray();
    }

    /**
     * Encodes a reply: {@code metadata} (its message ID is ignored and blanked in the object) with either
     * {@code error} or the content: array records then metric records, in the given orders.
     */
    public static Encoded encode(Metadata metadata, Optional<org.botsec.flower.internal.proto.Error> error,
                                 Map<String, Map<String, FlowerArray>> arrayRecords,
                                 Map<String, Map<String, ? extends Number>> metricRecords) {
        Builder b = new Builder();
        List<ObjectTree> rootChildren = new ArrayList<>();
        Message.Builder m = Message.newBuilder().setMetadata(metadata.toBuilder().setMessageId(""));
        if (error.isPresent()) {
            m.setError(error.get());
        } else {
            Map<String, Object> refs = new LinkedHashMap<>();
            List<ObjectTree> recTrees = new ArrayList<>();
            List<String> recIds = new ArrayList<>();
            for (Map.Entry<String, Map<String, FlowerArray>> rec : arrayRecords.entrySet()) {
                Map<String, Object> arrRefs = new LinkedHashMap<>();
                List<ObjectTree> arrTrees = new ArrayList<>();
                List<String> arrIds = new ArrayList<>();
                for (Map.Entry<String, FlowerArray> a : rec.getValue().entrySet()) {
                    ObjectTree at = encodeArray(b, a.getValue());
                    arrRefs.put(a.getKey(), at.getObjectId());
                    if (!arrIds.contains(at.getObjectId())) {
                        arrIds.add(at.getObjectId());
                        arrTrees.add(at);
                    }
                }
                ObjectTree rt = b.add(new ObjectContent("ArrayRecord", arrIds, PythonJson.write(arrRefs)), arrTrees);
                refs.put(rec.getKey(), rt.getObjectId());
                if (!recIds.contains(rt.getObjectId())) {
                    recIds.add(rt.getObjectId());
                    recTrees.add(rt);
                }
            }
            for (Map.Entry<String, Map<String, ? extends Number>> rec : metricRecords.entrySet()) {
                ObjectTree mt = b.add(new ObjectContent("MetricRecord", List.of(), metricBody(rec.getValue())),
                        List.of());
                refs.put(rec.getKey(), mt.getObjectId());
                if (!recIds.contains(mt.getObjectId())) {
                    recIds.add(mt.getObjectId());
                    recTrees.add(mt);
                }
            }
            rootChildren.add(b.add(new ObjectContent("RecordDict", recIds, PythonJson.write(refs)), recTrees));
        }
        List<String> rootIds = rootChildren.stream().map(ObjectTree::getObjectId).toList();
        ObjectTree root = b.add(new ObjectContent("Message", rootIds, m.build().toByteArray()), rootChildren);
        return new Encoded(root.getObjectId(), root, b.objects);
    }
}
