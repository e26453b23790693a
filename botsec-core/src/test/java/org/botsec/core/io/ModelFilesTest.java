package org.botsec.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @TempDir
    Path dir;

    private static ModelState sample() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("coef", Tensor.matrix(2, 3, new double[] {1.5, -2.25, 0, 1e-300, -0.0, 3e10}));
        tensors.put("intercept", Tensor.vector(new double[] {0.125, -7}));
        tensors.put("empty", new Tensor(new int[] {0, 4}, new double[0]));
        ObjectNode desc = new ObjectMapper().createObjectNode();
        desc.putArray("classes").add("ham").add("spam \u00e9\u4e2d");
        desc.putObject("provenance").put("seed", 42);
        return new ModelState("logistic_regression", tensors, desc);
    }

    @Test
    void roundTripKeepsTypeTensorsOrderAndDescription() {
        Path f = dir.resolve("m.safetensors");
        ModelState in = sample();
        ModelFiles.write(in, f);
        ModelState out = ModelFiles.read(f);
        assertEquals(in.type(), out.type());
        assertEquals(List.copyOf(in.tensors().keySet()), List.copyOf(out.tensors().keySet()));
        for (String name : in.tensors().keySet()) {
            assertArrayEquals(in.tensors().get(name).shape(), out.tensors().get(name).shape(), name);
            // bit-exact, including -0.0
            double[] a = in.tensors().get(name).values();
            double[] b = out.tensors().get(name).values();
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), name + "[" + i + "]");
            }
        }
        assertEquals(in.description(), out.description());
    }

    /** Expected bytes built by hand from the safetensors format description (huggingface/safetensors README). */
    @Test
    void byteLayoutFollowsTheSafetensorsSpec() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.vector(new double[] {1.0, -2.0}));
        ObjectNode desc = new ObjectMapper().createObjectNode().put("a", 1);
        byte[] actual = ModelFiles.encode(new ModelState("t", tensors, desc));

        // tensor_sha256: SHA-256 of w's 16 bytes, computed with Python's hashlib:
        // hashlib.sha256(struct.pack('<2d', 1.0, -2.0)).hexdigest()
        String json = "{\"__metadata__\":{\"format\":\"botsec-model/1\",\"type\":\"t\",\"botsec\":\"{\\\"a\\\":1}\","
                + "\"tensor_sha256\":\"{\\\"w\\\":\\\"7886fe67ba4484d889aa8ec41f0b242f914fbf6bae1be2ed23f56a007e3547b0\\\"}\"},"
                + "\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        int padded = (json.length() + 7) / 8 * 8; // header padded with spaces to 8-byte alignment
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            expected.write((int) ((long) padded >>> (8 * i)) & 0xff); // u64 little-endian
        }
        expected.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        for (int i = json.length(); i < padded; i++) {
            expected.write(' ');
        }
        // 1.0 = 0x3FF0000000000000, -2.0 = 0xC000000000000000, little-endian
        expected.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F});
        expected.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0xC0});
        assertArrayEquals(expected.toByteArray(), actual);
        assertEquals(0, (actual.length - 16) % 8, "tensor data starts 8-byte aligned");
    }

    /** A file laid out as Python's safetensors writes it: metadata last, header order differs from offsets. */
    @Test
    void readsForeignHeaderOrderAndPadding() throws IOException {
        String header = "{\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]},"
                + "\"__metadata__\":{\"type\":\"x\",\"botsec\":\"{}\",\"format\":\"botsec-model/1\",\"other\":\"v\"}}   ";
        Path f = file(header, doubles(3.0, 4.0));
        ModelState s = ModelFiles.read(f);
        assertEquals("x", s.type());
        assertEquals(List.of("b", "a"), List.copyOf(s.tensors().keySet()));
        assertEquals(3.0, s.tensors().get("a").values()[0]);
        assertEquals(4.0, s.tensors().get("b").values()[0]);
        assertArrayEquals(new int[] {1, 1}, s.tensors().get("a").shape());
    }

    @Test
    void writeIsAtomicAndLeavesTheOldFileOnFailure() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        ModelFiles.write(sample(), f);
        byte[] before = Files.readAllBytes(f);
        LinkedHashMap<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("w", Tensor.vector(new double[] {1, Double.NaN}));
        BadInputException e = assertThrows(BadInputException.class,
                () -> ModelFiles.write(new ModelState("t", bad, null), f));
        assertTrue(e.getMessage().contains("w[1] is NaN"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        BadInputException noDir = assertThrows(BadInputException.class,
                () -> ModelFiles.write(sample(), dir.resolve("missing/m.safetensors")));
        assertTrue(noDir.getMessage().contains("does not exist"), noDir.getMessage());
    }

    /** A flipped byte in a tensor of a file with hashes: one line naming the tensor, before any value is used. */
    @Test
    void flippedTensorByteIsCaughtByItsHash() throws IOException {
        Path f = dir.resolve("m.safetensors");
        ModelFiles.write(sample(), f);
        byte[] bytes = Files.readAllBytes(f);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // the intercept follows coef's 6 values; flip the lowest mantissa bit of intercept[1] (still finite)
        int at = (int) (8 + headerLen + 6 * 8 + 8);
        bytes[at] ^= 1;
        Files.write(f, bytes);
        ModelIntegrityException e = assertThrows(ModelIntegrityException.class, () -> ModelFiles.read(f));
        assertTrue(e.getMessage().contains("tensor 'intercept' does not match its SHA-256"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        bytes[at] ^= 1;
        Files.write(f, bytes);
        assertEquals(-7.0, ModelFiles.read(f).tensors().get("intercept").values()[1]);
    }

    @Test
    void hashEntriesAreChecked() throws IOException {
        String three = ModelFiles.sha256Hex(doubles(3.0));
        assertEquals(3.0, ModelFiles.read(withHashes("{\"a\":\"" + three + "\"}")).tensors().get("a").values()[0]);
        assertBad(withHashes("{}"), "tensor 'a' has no SHA-256");
        assertBad(withHashes("{\"a\":\"" + three + "\",\"b\":\"" + three + "\"}"), "names 'b', which is not a tensor");
        assertBad(withHashes("{\"a\":\"ABC\"}"), "is not a SHA-256");
        assertBad(withHashes("[1]"), "must be a JSON object");
    }

    /** A one-tensor file (a = [3.0]) whose __metadata__.tensor_sha256 is {@code hashes}. */
    private Path withHashes(String hashes) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode h = m.createObjectNode();
        h.putObject("__metadata__").put("format", "botsec-model/1").put("type", "t").put("botsec", "{}")
                .put("tensor_sha256", hashes);
        h.set("a", m.readTree("{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}"));
        return file(m.writeValueAsString(h), doubles(3.0));
    }

    /** Files written before per-tensor hashes (no tensor_sha256) still load. */
    @Test
    void fileWithoutHashesStillLoads() throws IOException {
        ModelState s = ModelFiles.read(file("{" + META + "," + tensor("a", "F64", "[1]", 0, 8) + "}", doubles(2.5)));
        assertEquals(2.5, s.tensors().get("a").values()[0]);
    }

    // ---- hostile and damaged files: one-line BadInputException naming the problem ----

    private void assertBad(Path f, String expectedFragment) {
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.read(f));
        assertTrue(e.getMessage().contains(expectedFragment), "message was: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private static final String META = "\"__metadata__\":{\"format\":\"botsec-model/1\",\"type\":\"t\",\"botsec\":\"{}\"}";

    private Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return raw(h.length, h, data);
    }

    private Path raw(long declaredLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header).put(data);
        Path f = Files.createTempFile(dir, "m", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static byte[] doubles(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) {
            b.putDouble(d);
        }
        return b.array();
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    @Test
    void missingFile() {
        assertBad(dir.resolve("nope.safetensors"), "model file not found");
    }

    @Test
    void tooShort() throws IOException {
        Path f = dir.resolve("short");
        Files.write(f, new byte[] {1, 2, 3});
        assertBad(f, "too short (3 bytes)");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        assertBad(raw(1000, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "beyond the end of the file");
    }

    @Test
    void headerClaimingGigabytes() throws IOException {
        assertBad(raw(5L << 30, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "is not a safetensors model file");
        assertBad(raw(-1L, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "18446744073709551615");
    }

    @Test
    void truncatedData() throws IOException {
        assertBad(file("{" + META + "," + tensor("w", "F64", "[2]", 0, 16) + "}", doubles(1.0)),
                "needs more bytes than the file holds (8 bytes of data)");
        assertBad(file("{" + META + "," + tensor("w", "F64", "[1]", 0, 16) + "}", doubles(1.0)),
                "outside the data section");
    }

    @Test
    void trailingData() throws IOException {
        assertBad(file("{" + META + "," + tensor("w", "F64", "[1]", 0, 8) + "}", doubles(1.0, 2.0)),
                "tensors cover 8 bytes but the file holds 16");
    }

    @Test
    void notUtf8() throws IOException {
        assertBad(raw(4, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}, new byte[0]), "not valid UTF-8");
    }

    @Test
    void notJson() throws IOException {
        assertBad(file("{\"a\":", new byte[0]), "not valid JSON");
        assertBad(file("[1, 2, 3]", new byte[0]), "does not start with '{'");
        assertBad(file("{} {}", new byte[0]), "not valid JSON");
    }

    @Test
    void deeplyNestedHeaderIsRejected() throws IOException {
        String deep = "[".repeat(500) + "]".repeat(500);
        assertBad(file("{\"x\":" + deep + "}", new byte[0]), "not valid JSON");
        String deepDesc = "{" + META.replace("\"{}\"", "\"" + "[".repeat(500) + "]".repeat(500) + "\"") + "}";
        assertBad(file(deepDesc, new byte[0]), "__metadata__.botsec is not valid JSON");
    }

    @Test
    void unknownDtypeIsNamed() throws IOException {
        assertBad(file("{" + META + "," + tensor("w", "F32", "[2]", 0, 8) + "}", new byte[8]),
                "dtype 'F32'; BotSec model files use F64");
    }

    @Test
    void absurdShapeIsRejectedBeforeAllocating() throws IOException {
        assertBad(file("{" + META + "," + tensor("w", "F64", "[2000000000,2000000000,2000000000]", 0, 8) + "}",
                doubles(1)), "needs more bytes than the file holds");
        assertBad(file("{" + META + "," + tensor("w", "F64", "[-1]", 0, 8) + "}", doubles(1)),
                "invalid dimension '-1'");
        assertBad(file("{" + META + "," + tensor("w", "F64", "[99999999999]", 0, 8) + "}", doubles(1)),
                "invalid dimension '99999999999'");
    }

    @Test
    void shapeAndSpanMustAgree() throws IOException {
        assertBad(file("{" + META + "," + tensor("w", "F64", "[1]", 0, 16) + "}", doubles(1, 2)),
                "needs 8 bytes but data_offsets span 16");
    }

    @Test
    void overlapsAndGapsAreRejected() throws IOException {
        assertBad(file("{" + META + "," + tensor("a", "F64", "[2]", 0, 16) + "," + tensor("b", "F64", "[1]", 8, 16)
                + "}", doubles(1, 2)), "overlaps");
        assertBad(file("{" + META + "," + tensor("a", "F64", "[1]", 8, 16) + "}", doubles(1, 2)), "gap");
        assertBad(file("{" + META + "," + tensor("a", "F64", "[1]", 8, 0) + "}", doubles(1)), "outside");
    }

    @Test
    void metadataIsChecked() throws IOException {
        assertBad(file("{" + tensor("w", "F64", "[1]", 0, 8) + "}", doubles(1)), "no __metadata__");
        assertBad(file("{\"__metadata__\":{\"format\":\"pt\",\"type\":\"t\",\"botsec\":\"{}\"}}", new byte[0]),
                "unknown model format 'pt'");
        assertBad(file("{\"__metadata__\":{\"format\":\"botsec-model/1\",\"botsec\":\"{}\"}}", new byte[0]),
                "no model \"type\"");
        assertBad(file("{\"__metadata__\":{\"format\":\"botsec-model/1\",\"type\":\"t\",\"botsec\":\"{\"}}",
                new byte[0]), "__metadata__.botsec is not valid JSON");
        assertBad(file("{\"__metadata__\":{\"format\":1}}", new byte[0]), "__metadata__.format must be a string");
    }

    @Test
    void nonFiniteValuesAreRejected() throws IOException {
        assertBad(file("{" + META + "," + tensor("w", "F64", "[2]", 0, 16) + "}", doubles(1, Double.POSITIVE_INFINITY)),
                "non-finite value (Infinity) at index 1");
    }

    @Test
    void duplicateKeysAndUnknownKeysAreRejected() throws IOException {
        assertBad(file("{" + META + "," + tensor("w", "F64", "[1]", 0, 8) + "," + tensor("w", "F64", "[1]", 0, 8)
                + "}", doubles(1)), "not valid JSON");
        assertBad(file("{" + META + ",\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8],\"x\":1}}",
                doubles(1)), "unknown key 'x'");
    }
}
