package org.botsec.flower;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.flower.internal.proto.ConfigRecord;
import org.botsec.flower.internal.proto.ConfigRecordValue;
import org.botsec.flower.internal.proto.Message;
import org.botsec.flower.internal.proto.Metadata;
import org.botsec.flower.internal.proto.MetricRecord;
import org.botsec.flower.internal.proto.ObjectTree;

/**
 * The test's own implementation of Flower's object format, written from the protocol description
 * (REFERENCES.md, Flower 1.23): {@code "<Class> <children> <len>\0<body>"}, ID = hex SHA-256, arrays as .npy bytes in
 * chunks, records as JSON or protobuf bodies. It shares no code with the client's encoder and decoder, so the tests
 * check the client against an independent reading of the spec.
 */
final class SpecObjects {
    static final ObjectMapper JSON = new ObjectMapper();

    private SpecObjects() {
    }

    static byte[] object(String type, List<String> children, byte[] body) {
        byte[] head = (type + " " + String.join(",", children) + " " + body.length).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + 1 + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length + 1, body.length);
        return out;
    }

    static String id(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A version-1.0 .npy file of float64 values; header padded to 16 bytes as older NumPy did. */
    static byte[] npy(double[] values, int... shape) {
        StringBuilder dims = new StringBuilder();
        for (int s : shape) {
            dims.append(s).append(", ");
        }
        String d = shape.length == 1 ? shape[0] + "," : dims.substring(0, Math.max(0, dims.length() - 2));
        String h = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + d + "), }";
        while ((10 + h.length() + 1) % 16 != 0) {
            h += " ";
        }
        h += "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
        b.put(h.getBytes(StandardCharsets.US_ASCII));
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    /** Reads a little-endian float64 .npy (version 1.0); returns the values, and the shape in {@code shapeOut}. */
    static double[] readNpy(byte[] npy, List<Integer> shapeOut) {
        ByteBuffer b = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        int hl = b.getShort(8) & 0xffff;
        String h = new String(npy, 10, hl, StandardCharsets.US_ASCII);
        if (!h.contains("'descr': '<f8'") || !h.contains("'fortran_order': False")) {
            throw new AssertionError("unexpected npy header " + h);
        }
        String shape = h.substring(h.indexOf("'shape': (") + 10, h.indexOf(')', h.indexOf("'shape': (")));
        for (String p : shape.split(",")) {
            if (!p.isBlank()) {
                shapeOut.add(Integer.parseInt(p.trim()));
            }
        }
        double[] v = new double[(npy.length - 10 - hl) / 8];
        b.position(10 + hl);
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getDouble();
        }
        return v;
    }

    /** A message built from the spec: its proto as PullMessages sends it, its tree and its objects' contents. */
    record Built(Message proto, ObjectTree tree, Map<String, byte[]> objects) {
    }

    static final class MessageBuilder {
        final Map<String, byte[]> objects = new LinkedHashMap<>();
        final Map<String, ObjectTree> recordTrees = new LinkedHashMap<>();
        int chunkSize = 5 * 1024 * 1024;

        private ObjectTree put(String type, List<ObjectTree> children, byte[] body) {
            List<String> ids = new ArrayList<>();
            for (ObjectTree c : children) {
                if (!ids.contains(c.getObjectId())) {
                    ids.add(c.getObjectId());
                }
            }
            byte[] content = object(type, ids, body);
            String id = id(content);
            objects.put(id, content);
            List<ObjectTree> unique = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            for (ObjectTree c : children) {
                if (!seen.contains(c.getObjectId())) {
                    seen.add(c.getObjectId());
                    unique.add(c);
                }
            }
            return ObjectTree.newBuilder().setObjectId(id).addAllChildren(unique).build();
        }

        ObjectTree array(byte[] npy) {
            List<ObjectTree> chunks = new ArrayList<>();
            List<String> unique = new ArrayList<>();
            List<Integer> idx = new ArrayList<>();
            for (int s = 0; s < npy.length; s += chunkSize) {
                byte[] part = java.util.Arrays.copyOfRange(npy, s, Math.min(npy.length, s + chunkSize));
                ObjectTree c = put("ArrayChunk", List.of(), part);
                if (!unique.contains(c.getObjectId())) {
                    unique.add(c.getObjectId());
                }
                idx.add(unique.indexOf(c.getObjectId()));
                chunks.add(c);
            }
            // dtype and shape from the .npy header (numpy's descr → Flower's dtype name)
            int hl = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
            String h = new String(npy, 10, hl, StandardCharsets.US_ASCII);
            String descr = h.substring(h.indexOf("'descr': '") + 10, h.indexOf('\'', h.indexOf("'descr': '") + 10));
            String dtype = Map.of("<f8", "float64", "<f4", "float32", "<i8", "int64", "<i4", "int32", "|b1", "bool")
                    .getOrDefault(descr, descr);
            List<Integer> shape = new ArrayList<>();
            String dims = h.substring(h.indexOf("'shape': (") + 10, h.indexOf(')', h.indexOf("'shape': (")));
            for (String p : dims.split(",")) {
                if (!p.isBlank()) {
                    shape.add(Integer.parseInt(p.trim()));
                }
            }
            String json = "{\"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"stype\": \"numpy.ndarray\", "
                    + "\"arraychunk_ids\": " + idx + "}";
            return put("Array", chunks, json.getBytes(StandardCharsets.UTF_8));
        }

        MessageBuilder arrays(String recordName, Map<String, byte[]> npyByName) {
            List<ObjectTree> children = new ArrayList<>();
            StringBuilder json = new StringBuilder("{");
            for (Map.Entry<String, byte[]> e : npyByName.entrySet()) {
                ObjectTree a = array(e.getValue());
                children.add(a);
                json.append(json.length() > 1 ? ", " : "").append('"').append(e.getKey()).append("\": \"")
                        .append(a.getObjectId()).append('"');
            }
            recordTrees.put(recordName, put("ArrayRecord", children, json.append("}").toString()
                    .getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        MessageBuilder config(String recordName, Map<String, Object> values) {
            ConfigRecord.Builder r = ConfigRecord.newBuilder();
            values.forEach((k, v) -> {
                ConfigRecordValue.Builder x = ConfigRecordValue.newBuilder();
                if (v instanceof Double d) {
                    x.setDouble(d);
                } else if (v instanceof Integer i) {
                    x.setSint64(i);
                } else {
                    x.setString(v.toString());
                }
                r.addItems(ConfigRecord.Item.newBuilder().setKey(k).setValue(x));
            });
            recordTrees.put(recordName, put("ConfigRecord", List.of(), r.build().toByteArray()));
            return this;
        }

        Built build(Metadata metadata) {
            StringBuilder json = new StringBuilder("{");
            for (Map.Entry<String, ObjectTree> e : recordTrees.entrySet()) {
                json.append(json.length() > 1 ? ", " : "").append('"').append(e.getKey()).append("\": \"")
                        .append(e.getValue().getObjectId()).append('"');
            }
            ObjectTree rd = put("RecordDict", new ArrayList<>(recordTrees.values()),
                    json.append("}").toString().getBytes(StandardCharsets.UTF_8));
            Metadata blank = metadata.toBuilder().setMessageId("").build();
            ObjectTree root = put("Message", List.of(rd),
                    Message.newBuilder().setMetadata(blank).build().toByteArray());
            Message proto = Message.newBuilder().setMetadata(metadata.toBuilder().setMessageId(root.getObjectId()))
                    .build();
            return new Built(proto, root, objects);
        }
    }

    /** A decoded reply, read with the test's own parser. */
    record Reply(Metadata metadata, java.util.Optional<org.botsec.flower.internal.proto.Error> error,
                 Map<String, Map<String, double[]>> arrays, Map<String, Map<String, List<Integer>>> shapes,
                 Map<String, Map<String, Integer>> chunkCounts, Map<String, MetricRecord> metrics) {
    }

    static String[] head(byte[] content) {
        int nul = 0;
        while (content[nul] != 0) {
            nul++;
        }
        return new String(content, 0, nul, StandardCharsets.UTF_8).split(" ", -1);
    }

    static byte[] body(byte[] content) {
        int nul = 0;
        while (content[nul] != 0) {
            nul++;
        }
        return java.util.Arrays.copyOfRange(content, nul + 1, content.length);
    }

    static Reply decode(String rootId, Map<String, byte[]> store) throws Exception {
        byte[] root = store.get(rootId);
        Message m = Message.parseFrom(body(root));
        if (m.hasError()) {
            return new Reply(m.getMetadata(), java.util.Optional.of(m.getError()), Map.of(), Map.of(), Map.of(),
                    Map.of());
        }
        String rdId = head(root)[1];
        JsonNode rd = JSON.readTree(body(store.get(rdId)));
        Map<String, Map<String, double[]>> arrays = new LinkedHashMap<>();
        Map<String, Map<String, List<Integer>>> shapes = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> chunks = new LinkedHashMap<>();
        Map<String, MetricRecord> metrics = new LinkedHashMap<>();
        var it = rd.fields();
        while (it.hasNext()) {
            var e = it.next();
            byte[] rec = store.get(e.getValue().asText());
            String type = head(rec)[0];
            if (type.equals("ArrayRecord")) {
                Map<String, double[]> a = new LinkedHashMap<>();
                Map<String, List<Integer>> s = new LinkedHashMap<>();
                Map<String, Integer> c = new LinkedHashMap<>();
                var ai = JSON.readTree(body(rec)).fields();
                while (ai.hasNext()) {
                    var ae = ai.next();
                    byte[] arr = store.get(ae.getValue().asText());
                    String[] children = head(arr)[1].split(",");
                    JsonNode meta = JSON.readTree(body(arr));
                    java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
                    for (JsonNode i : meta.get("arraychunk_ids")) {
                        byte[] chunk = store.get(children[i.asInt()]);
                        if (!head(chunk)[0].equals("ArrayChunk")) {
                            throw new AssertionError("not a chunk");
                        }
                        data.writeBytes(body(chunk));
                    }
                    List<Integer> shape = new ArrayList<>();
                    a.put(ae.getKey(), readNpy(data.toByteArray(), shape));
                    s.put(ae.getKey(), shape);
                    c.put(ae.getKey(), meta.get("arraychunk_ids").size());
                }
                arrays.put(e.getKey(), a);
                shapes.put(e.getKey(), s);
                chunks.put(e.getKey(), c);
            } else if (type.equals("MetricRecord")) {
                metrics.put(e.getKey(), MetricRecord.parseFrom(body(rec)));
            } else {
                throw new AssertionError("unexpected record type " + type);
            }
        }
        return new Reply(m.getMetadata(), java.util.Optional.empty(), arrays, shapes, chunks, metrics);
    }
}
