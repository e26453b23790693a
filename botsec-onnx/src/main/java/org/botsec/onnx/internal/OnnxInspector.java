package org.botsec.onnx.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.core.BadInputException;

/**
 * Reads the parts of an ONNX {@code ModelProto} that BotSec checks before handing the bytes to ONNX Runtime:
 * IR version, operator sets, metadata, the graph's inputs and outputs, and every tensor's declared size. Field
 * numbers are those of the ONNX specification (onnx/onnx.proto, IR version 10). Only the wire format is
 * trusted: every length is checked against the bytes that are actually there, so a file that claims a 2 GB
 * tensor or a length past its end is rejected here, before any allocation in proportion to a claim.
 */
public final class OnnxInspector {
    /** Deepest nesting of sub-graphs (If/Loop bodies) followed. */
    static final int MAX_GRAPH_DEPTH = 16;
    /** The largest tensor BotSec lets a model declare (bytes); ONNX files cannot exceed 2 GB anyway. */
    static final long MAX_TENSOR_BYTES = 1L << 31;
    /** Highest IR version ONNX Runtime 1.28.0 loads (measured: 13 loads, 14 is refused). */
    public static final long MAX_IR_VERSION = 13;
    /** Highest default-domain opset ONNX Runtime 1.28.0 loads (measured: 26 loads, 27 is refused). */
    public static final long MAX_OPSET = 26;

    private OnnxInspector() {
    }

    /**
     * One graph input or output: name, element type (TensorProto.DataType) and shape, one entry per dimension
     * (-1 for a symbolic or unknown dimension); an empty shape when the model declares none.
     */
    public record ValueInfo(String name, int elemType, long[] shape) {
        public ValueInfo {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    /** Where one top-level {@code metadata_props} entry lies in the file: bytes {@code [start, end)}, its key. */
    public record Span(int start, int end, String key) {
    }

    /** What BotSec needs to know of a model file. */
    public record Summary(long irVersion, Map<String, Long> opsets, Map<String, String> metadata,
                         List<ValueInfo> inputs, List<ValueInfo> outputs, List<Span> metadataSpans) {
        public Summary {
            opsets = Map.copyOf(opsets);
            metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            metadataSpans = List.copyOf(metadataSpans);
        }
    }

    /**
     * Checks and summarises an ONNX model.
     *
     * @param name how the user named the file, for messages
     * @throws BadInputException for anything that is not a model BotSec can hand to ONNX Runtime
     */
    public static Summary inspect(byte[] bytes, String name) {
        try {
            return new Reader(bytes, name).model();
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException b) {
                throw b;
            }
            throw BadInputException.of("%s is not an ONNX model (its protobuf encoding is damaged: %s)", name,
                    oneLine(e.getMessage()));
        }
    }

    /** {@code s} on one line, at most 160 characters (for messages quoting ONNX Runtime). */
    public static String oneLine(String s) {
        if (s == null) {
            return "no detail";
        }
        String l = s.replaceAll("\\s+", " ").trim();
        return l.length() > 160 ? l.substring(0, 157) + "..." : l;
    }

    private static final class Reader {
        private final byte[] bytes;
        private final String name;
        private long initializerBytes;

        Reader(byte[] bytes, String name) {
            this.bytes = bytes;
            this.name = name;
        }

        private BadInputException bad(String fmt, Object... args) {
            return BadInputException.of("%s: " + fmt, prepend(name, args));
        }

        private static Object[] prepend(Object first, Object[] rest) {
            Object[] all = new Object[rest.length + 1];
            all[0] = first;
            System.arraycopy(rest, 0, all, 1, rest.length);
            return all;
        }

        Summary model() throws IOException {
            if (bytes.length == 0) {
                throw bad("empty file, not an ONNX model");
            }
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            long ir = -1;
            Map<String, Long> opsets = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            List<ValueInfo> inputs = null;
            List<ValueInfo> outputs = null;
            List<Span> spans = new ArrayList<>();
            boolean graph = false;
            while (true) {
                int at = in.getTotalBytesRead();
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                switch (field) {
                    case 1 -> ir = readVarint(in, wire, "ir_version");
                    case 7 -> {
                        byte[] g = readBytes(in, wire, "graph");
                        List<List<ValueInfo>> io = graph(g, 0);
                        inputs = io.get(0);
                        outputs = io.get(1);
                        graph = true;
                    }
                    case 8 -> {
                        byte[] op = readBytes(in, wire, "opset_import");
                        Object[] o = opset(op);
                        opsets.merge((String) o[0], (Long) o[1], Math::max);
                    }
                    case 14 -> {
                        String[] kv = entry(readBytes(in, wire, "metadata_props"));
                        meta.put(kv[0], kv[1]);
                        spans.add(new Span(at, in.getTotalBytesRead(), kv[0]));
                    }
                    default -> {
                        if (field < 1 || field > 100) {
                            throw bad("not an ONNX model (unexpected protobuf field %d at byte %d)", field, at);
                        }
                        skip(in, wire, field);
                    }
                }
            }
            if (ir < 0 || !graph) {
                throw bad("not an ONNX model (no %s)", ir < 0 ? "ir_version" : "graph");
            }
            if (ir < 3 || ir > MAX_IR_VERSION) {
                throw bad("ONNX IR version %d is not supported (ONNX Runtime 1.28 reads IR versions 3 to %d)", ir,
                        MAX_IR_VERSION);
            }
            if (opsets.isEmpty()) {
                throw bad("the model imports no operator set");
            }
            for (Map.Entry<String, Long> e : opsets.entrySet()) {
                String d = e.getKey();
                if (d.isEmpty() || d.equals("ai.onnx")) {
                    if (e.getValue() < 1 || e.getValue() > MAX_OPSET) {
                        throw bad("unknown ONNX opset %d (ONNX Runtime 1.28 implements opsets 1 to %d)", e.getValue(),
                                MAX_OPSET);
                    }
                } else if (!d.equals("ai.onnx.ml") && !d.equals("com.microsoft")) {
                    throw bad("operator domain %s is not supported (custom operators cannot be loaded; domains: "
                            + "ai.onnx, ai.onnx.ml, com.microsoft)", excerpt(d));
                }
            }
            return new Summary(ir, opsets, meta, inputs, outputs, spans);
        }

        /** GraphProto: node=1, initializer=5, input=11, output=12, sparse_initializer=15. */
        private List<List<ValueInfo>> graph(byte[] g, int depth) throws IOException {
            if (depth > MAX_GRAPH_DEPTH) {
                throw bad("sub-graphs nested deeper than %d", MAX_GRAPH_DEPTH);
            }
            CodedInputStream in = CodedInputStream.newInstance(g);
            List<ValueInfo> inputs = new ArrayList<>();
            List<ValueInfo> outputs = new ArrayList<>();
            List<String> initializerNames = new ArrayList<>();
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                switch (field) {
                    case 1 -> node(readBytes(in, wire, "node"), depth);
                    case 5 -> initializerNames.add(tensor(readBytes(in, wire, "initializer")));
                    case 11 -> inputs.add(valueInfo(readBytes(in, wire, "input")));
                    case 12 -> outputs.add(valueInfo(readBytes(in, wire, "output")));
                    case 15 -> throw bad("sparse initializers are not supported");
                    default -> skip(in, wire, field);
                }
            }
            // Before IR 4, initializers were also listed as inputs; they are not fed by the caller.
            inputs.removeIf(v -> initializerNames.contains(v.name()));
            return List.of(inputs, outputs);
        }

        /** NodeProto: attribute=5 → AttributeProto: t=5, g=6, tensors=10, graphs=11. */
        private void node(byte[] n, int depth) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(n);
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    return;
                }
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                if (field == 5) {
                    CodedInputStream a = CodedInputStream.newInstance(readBytes(in, wire, "attribute"));
                    while (true) {
                        int t = a.readTag();
                        if (t == 0) {
                            break;
                        }
                        int f = WireFormat.getTagFieldNumber(t);
                        int w = WireFormat.getTagWireType(t);
                        switch (f) {
                            case 5, 10 -> tensor(readBytes(a, w, "attribute tensor"));
                            case 6, 11 -> graph(readBytes(a, w, "attribute graph"), depth + 1);
                            default -> skip(a, w, f);
                        }
                    }
                } else {
                    skip(in, wire, field);
                }
            }
        }

        /**
         * TensorProto: dims=1, data_type=2, name=8, raw_data=9, external_data=13, data_location=14. Returns the
         * name. Rejects external data (files beside the model: path traversal, sizes we cannot check) and
         * declared sizes over {@link #MAX_TENSOR_BYTES}.
         */
        private String tensor(byte[] t) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(t);
            long elements = 1;
            String tname = "";
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                switch (field) {
                    case 1 -> {
                        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                            CodedInputStream p = CodedInputStream.newInstance(readBytes(in, wire, "dims"));
                            while (!p.isAtEnd()) {
                                elements = dim(elements, p.readInt64(), tname);
                            }
                        } else {
                            elements = dim(elements, readVarint(in, wire, "dims"), tname);
                        }
                    }
                    case 8 -> tname = string(readBytes(in, wire, "tensor name"));
                    case 13 -> throw bad("tensor %s keeps its data in an external file; BotSec loads "
                            + "self-contained ONNX files only", excerpt(tname));
                    case 14 -> {
                        if (readVarint(in, wire, "data_location") != 0) {
                            throw bad("tensor %s keeps its data in an external file; BotSec loads "
                                    + "self-contained ONNX files only", excerpt(tname));
                        }
                    }
                    default -> skip(in, wire, field);
                }
            }
            initializerBytes += elements;
            if (initializerBytes > MAX_TENSOR_BYTES) {
                throw bad("the model's tensors declare %d elements in all (over 2 GB); refusing to load it",
                        initializerBytes);
            }
            return tname;
        }

        private long dim(long elements, long d, String tname) {
            if (d < 0) {
                throw bad("tensor %s has a negative dimension %d", excerpt(tname), d);
            }
            if (d != 0 && elements > MAX_TENSOR_BYTES / d) {
                throw bad("tensor %s declares more than %d elements (a 2 GB claim); refusing to load it",
                        excerpt(tname), MAX_TENSOR_BYTES);
            }
            return elements * d;
        }

        /** ValueInfoProto: name=1, type=2 → TypeProto: tensor_type=1 → elem_type=1, shape=2 → dim=1. */
        private ValueInfo valueInfo(byte[] v) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(v);
            String vname = "";
            int elem = 0;
            List<Long> shape = null;
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                if (field == 1) {
                    vname = string(readBytes(in, wire, "value name"));
                } else if (field == 2) {
                    CodedInputStream type = CodedInputStream.newInstance(readBytes(in, wire, "type"));
                    while (true) {
                        int t = type.readTag();
                        if (t == 0) {
                            break;
                        }
                        if (WireFormat.getTagFieldNumber(t) == 1) {
                            CodedInputStream tt = CodedInputStream.newInstance(
                                    readBytes(type, WireFormat.getTagWireType(t), "tensor_type"));
                            while (true) {
                                int u = tt.readTag();
                                if (u == 0) {
                                    break;
                                }
                                int f = WireFormat.getTagFieldNumber(u);
                                if (f == 1) {
                                    elem = (int) readVarint(tt, WireFormat.getTagWireType(u), "elem_type");
                                } else if (f == 2) {
                                    shape = shape(readBytes(tt, WireFormat.getTagWireType(u), "shape"));
                                } else {
                                    skip(tt, WireFormat.getTagWireType(u), f);
                                }
                            }
                        } else {
                            skip(type, WireFormat.getTagWireType(t), WireFormat.getTagFieldNumber(t));
                        }
                    }
                } else {
                    skip(in, wire, field);
                }
            }
            long[] s = shape == null ? new long[0] : shape.stream().mapToLong(Long::longValue).toArray();
            return new ValueInfo(vname, elem, s);
        }

        /** TensorShapeProto.Dimension: dim_value=1, dim_param=2; a symbolic or missing value is -1. */
        private List<Long> shape(byte[] s) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(s);
            List<Long> dims = new ArrayList<>();
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    return dims;
                }
                if (WireFormat.getTagFieldNumber(tag) != 1) {
                    skip(in, WireFormat.getTagWireType(tag), WireFormat.getTagFieldNumber(tag));
                    continue;
                }
                CodedInputStream d = CodedInputStream.newInstance(readBytes(in, WireFormat.getTagWireType(tag), "dim"));
                long value = -1;
                while (true) {
                    int t = d.readTag();
                    if (t == 0) {
                        break;
                    }
                    if (WireFormat.getTagFieldNumber(t) == 1) {
                        value = readVarint(d, WireFormat.getTagWireType(t), "dim_value");
                        if (value < 0) {
                            throw bad("a graph input or output has a negative dimension %d", value);
                        }
                    } else {
                        skip(d, WireFormat.getTagWireType(t), WireFormat.getTagFieldNumber(t));
                    }
                }
                if (dims.size() >= 16) {
                    throw bad("a graph input or output has more than 16 dimensions");
                }
                dims.add(value);
            }
        }

        /** OperatorSetIdProto: domain=1, version=2. */
        private Object[] opset(byte[] o) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(o);
            String domain = "";
            long version = -1;
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    return new Object[] {domain, version};
                }
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                if (field == 1) {
                    domain = string(readBytes(in, wire, "opset domain"));
                } else if (field == 2) {
                    version = readVarint(in, wire, "opset version");
                } else {
                    skip(in, wire, field);
                }
            }
        }

        /** StringStringEntryProto: key=1, value=2. */
        private String[] entry(byte[] e) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(e);
            String k = "";
            String v = "";
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    return new String[] {k, v};
                }
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                if (field == 1) {
                    k = string(readBytes(in, wire, "metadata key"));
                } else if (field == 2) {
                    v = string(readBytes(in, wire, "metadata value"));
                } else {
                    skip(in, wire, field);
                }
            }
        }

        private long readVarint(CodedInputStream in, int wire, String what) throws IOException {
            if (wire != WireFormat.WIRETYPE_VARINT) {
                throw bad("not an ONNX model (%s has protobuf wire type %d, expected a varint)", what, wire);
            }
            return in.readInt64();
        }

        /** A length-delimited field, its length checked against what is left before anything is allocated. */
        private byte[] readBytes(CodedInputStream in, int wire, String what) throws IOException {
            if (wire != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                throw bad("not an ONNX model (%s has protobuf wire type %d, expected length-delimited)", what, wire);
            }
            int len = in.readRawVarint32();
            if (len < 0 || len > bytes.length) {
                throw bad("%s claims %s bytes, more than the file holds (%d bytes): damaged or hostile file",
                        what, Integer.toUnsignedString(len), bytes.length);
            }
            return in.readRawBytes(len);
        }

        private void skip(CodedInputStream in, int wire, int field) throws IOException {
            if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                readBytes(in, wire, "field " + field);
            } else if (wire == WireFormat.WIRETYPE_START_GROUP || wire == WireFormat.WIRETYPE_END_GROUP || wire > 5) {
                throw bad("not an ONNX model (protobuf wire type %d in field %d)", wire, field);
            } else {
                in.skipField((field << 3) | wire);
            }
        }

        private String string(byte[] b) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw bad("a string in the model is not valid UTF-8");
            }
        }
    }

    /** A short, printable excerpt of a name read from a file. */
    public static String excerpt(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 60 ? "'" + clean + "'" : "'" + clean.substring(0, 57) + "...'";
    }
}
