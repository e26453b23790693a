package org.botsec.onnx.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.botsec.core.BadInputException;

/**
 * Writes ONNX {@code ModelProto}s: a small graph builder over the field numbers of the ONNX specification
 * (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto), and the rewrite of a model's
 * metadata that {@code import-onnx} needs.
 */
public final class OnnxWriter {
    /** TensorProto.DataType FLOAT. */
    public static final int FLOAT = 1;
    /** TensorProto.DataType DOUBLE. */
    public static final int DOUBLE = 11;
    /** The IR version written (ONNX 1.8, the release of opset 13). */
    public static final int IR_VERSION = 7;
    /** The default-domain opset written. */
    public static final int OPSET = 13;

    private final int elemType;
    private final List<Proto> nodes = new ArrayList<>();
    private final List<Proto> initializers = new ArrayList<>();
    private final List<Proto> inputs = new ArrayList<>();
    private final List<Proto> outputs = new ArrayList<>();
    private int counter;

    /** A graph whose tensors all have element type {@code elemType} ({@link #FLOAT} or {@link #DOUBLE}). */
    public OnnxWriter(int elemType) {
        if (elemType != FLOAT && elemType != DOUBLE) {
            throw new IllegalArgumentException("element type must be FLOAT or DOUBLE, got " + elemType);
        }
        this.elemType = elemType;
    }

    /** Declares a graph input [batch, width] with a symbolic batch dimension. */
    public OnnxWriter input(String name, int width) {
        inputs.add(valueInfo(name, width));
        return this;
    }

    /** Declares a graph output [batch, width]. */
    public OnnxWriter output(String name, int width) {
        outputs.add(valueInfo(name, width));
        return this;
    }

    private Proto valueInfo(String name, int width) {
        Proto shape = new Proto()
                .message(1, new Proto().string(2, "batch"))       // Dimension.dim_param
                .message(1, new Proto().varint(1, width));         // Dimension.dim_value
        Proto tensorType = new Proto().varint(1, elemType).message(2, shape); // TypeProto.Tensor
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Adds an initializer with the given dims and values (stored as raw little-endian data) and returns its name. */
    public String constant(String hint, long[] dims, double[] values) {
        String name = hint + "_" + (counter++);
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);                                        // dims
        }
        t.varint(2, elemType).string(8, name);                     // data_type, name
        ByteBuffer raw = ByteBuffer.allocate(values.length * (elemType == DOUBLE ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (elemType == DOUBLE) {
                raw.putDouble(v);
            } else {
                raw.putFloat((float) v);
            }
        }
        t.bytes(9, raw.array());                                   // raw_data
        initializers.add(t);
        return name;
    }

    /** Adds a node {@code op(inputs) → one output} with integer attributes, and returns the output's name. */
    public String node(String op, Map<String, Long> intAttributes, String... in) {
        String out = op.toLowerCase(java.util.Locale.ROOT) + "_" + (counter++);
        return namedNode(op, intAttributes, out, in);
    }

    /** As {@link #node(String, Map, String...)} with a given output name. */
    public String namedNode(String op, Map<String, Long> intAttributes, String out, String... in) {
        Proto n = new Proto();
        for (String i : in) {
            n.string(1, i);                                        // input
        }
        n.string(2, out).string(3, out + "_node").string(4, op);   // output, name, op_type
        for (Map.Entry<String, Long> a : new java.util.TreeMap<>(intAttributes).entrySet()) {
            // AttributeProto: name = 1, i = 3, type = 20 (INT = 2)
            n.message(5, new Proto().string(1, a.getKey()).varint(3, a.getValue()).varint(20, 2));
        }
        nodes.add(n);
        return out;
    }

    /** The model's bytes, with {@code metadata} as metadata_props. */
    public byte[] model(String graphName, Map<String, String> metadata, String producerVersion) {
        Proto g = new Proto();
        nodes.forEach(n -> g.message(1, n));
        g.string(2, graphName);
        initializers.forEach(t -> g.message(5, t));
        inputs.forEach(v -> g.message(11, v));
        outputs.forEach(v -> g.message(12, v));
        Proto m = new Proto().varint(1, IR_VERSION).string(2, "botsec").string(3, producerVersion)
                .message(7, g).message(8, new Proto().string(1, "").varint(2, OPSET));
        metadata.forEach((k, v) -> m.message(14, new Proto().string(1, k).string(2, v)));
        return m.toByteArray();
    }

    /**
     * {@code model} with every top-level metadata entry whose key is in {@code replace} removed and the entries
     * of {@code replace} appended. Protobuf merges a field appended to a message into it, so the other bytes are
     * kept exactly as they were.
     */
    public static byte[] replaceMetadata(byte[] model, OnnxInspector.Summary summary, Map<String, String> replace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 256);
        int at = 0;
        for (OnnxInspector.Span s : summary.metadataSpans()) {
            if (replace.containsKey(s.key())) {
                out.write(model, at, s.start() - at);
                at = s.end();
            }
        }
        out.write(model, at, model.length - at);
        Proto tail = new Proto();
        replace.forEach((k, v) -> tail.message(14, new Proto().string(1, k).string(2, v)));
        out.writeBytes(tail.toByteArray());
        return out.toByteArray();
    }

    /** Writes {@code bytes} to a temporary file beside {@code target} and moves it into place. */
    public static void writeAtomically(Path target, byte[] bytes) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw BadInputException.of("cannot write %s: folder %s does not exist", target, dir);
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw BadInputException.of("cannot write %s: %s", target, e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a hidden temporary file named after the target
                }
            }
        }
    }
}
