package org.botsec.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.botsec.core.BadInputException;
import org.botsec.core.io.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged, hostile and unsupported ONNX files give one line naming the problem, before ONNX Runtime runs. */
class HostileOnnxTest {
    @TempDir
    Path dir;

    private String fails(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(p));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    /** A field-by-field message writer for hand-made files (field numbers of the ONNX spec). */
    private static final class Msg {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        final CodedOutputStream o = CodedOutputStream.newInstance(b);

        Msg v(int f, long x) throws IOException {
            o.writeInt64(f, x);
            return this;
        }

        Msg s(int f, String x) throws IOException {
            o.writeString(f, x);
            return this;
        }

        Msg m(int f, Msg x) throws IOException {
            o.writeByteArray(f, x.bytes());
            return this;
        }

        byte[] bytes() throws IOException {
            o.flush();
            return b.toByteArray();
        }
    }

    private static Msg input2d(String name) throws IOException {
        Msg shape = new Msg().m(1, new Msg().s(2, "batch")).m(1, new Msg().v(1, 4));
        return new Msg().s(1, name).m(2, new Msg().m(1, new Msg().v(1, 1).m(2, shape)));
    }

    private static byte[] model(String domain, long opset, Msg initializer) throws IOException {
        Msg graph = new Msg().s(2, "g");
        if (initializer != null) {
            graph.m(5, initializer);
        }
        graph.m(11, input2d("x")).m(12, input2d("y"));
        return new Msg().v(1, 7).m(7, graph).m(8, new Msg().s(1, domain).v(2, opset)).bytes();
    }

    @Test
    void notOnnxAtAll() throws IOException {
        String m = fails("notes.onnx", "hello, this is a text file\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(m.contains("not an ONNX model"), m);
    }

    @Test
    void emptyFile() throws IOException {
        assertTrue(fails("empty.onnx", new byte[0]).contains("empty file"));
    }

    @Test
    void truncatedModel() throws IOException {
        byte[] good = getClass().getResourceAsStream("/onnx/cancer_mlp_f32_proba.onnx").readAllBytes();
        String m = fails("cut.onnx", Arrays.copyOf(good, good.length / 2));
        assertTrue(m.contains("not an ONNX model") || m.contains("more than the file holds"), m);
    }

    @Test
    void lengthClaimOfTwoGigabytes() throws IOException {
        // field 7 (graph), length-delimited, claiming 0x7fffffff bytes, followed by a few bytes only
        byte[] b = {0x08, 0x07, 0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2, 3};
        String m = fails("claim.onnx", b);
        assertTrue(m.contains("claims 2147483647 bytes, more than the file holds"), m);
    }

    @Test
    void tensorDeclaringTwoGigabytes() throws IOException {
        Msg t = new Msg().v(1, 1 << 20).v(1, 1 << 20).v(2, 1).s(8, "huge");
        String m = fails("huge.onnx", model("", 13, t));
        assertTrue(m.contains("2 GB"), m);
    }

    @Test
    void unknownOpset() throws IOException {
        String m = fails("future.onnx", model("", 999, null));
        assertTrue(m.contains("unknown ONNX opset 999"), m);
    }

    @Test
    void customOperatorDomain() throws IOException {
        String m = fails("custom.onnx", model("com.example.evil", 1, null));
        assertTrue(m.contains("operator domain 'com.example.evil' is not supported"), m);
    }

    @Test
    void externalData() throws IOException {
        Msg t = new Msg().v(1, 4).v(2, 1).s(8, "w").m(13, new Msg().s(1, "location").s(2, "../../etc/passwd"));
        String m = fails("external.onnx", model("", 13, t));
        assertTrue(m.contains("external file"), m);
    }

    @Test
    void dynamicFeatureDimension() throws IOException {
        byte[] b = getClass().getResourceAsStream("/onnx/dynamic_features.onnx").readAllBytes();
        String m = fails("dyn.onnx", b);
        assertTrue(m.contains("dimension 1 is dynamic"), m);
    }

    @Test
    void safetensorsFileIsNotTakenForOnnx() throws IOException {
        // ModelFiles' own reader answers for a file that does not look like ONNX
        String m = fails("model.safetensors", new byte[] {16, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ',
            ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '});
        assertFalse(m.contains("ONNX"), m);
    }
}
