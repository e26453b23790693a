package org.botsec.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextPipeline;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by an earlier BotSec (resources {@code format-v1}, see the README there) still load, predict the
 * probabilities that BotSec gave then, and are written back with the same header (plus per-tensor SHA-256s) and tensor bytes. Reference: the files and
 * {@code predictions.json} written at commit 25a880f, before the format code moved out of the model classes.
 */
class FormatCompatibilityTest {
    private static final String DIR = "/org/botsec/core/io/format-v1/";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"logreg_binary_scaled", "softmax_3class", "mlp_4_5_3", "logreg_binary_provenance",
            "text_logreg"})
    void oldFileLoadsPredictsAndRewritesIdentically(String name) throws Exception {
        Path file = tmp.resolve(name + ".safetensors");
        byte[] original = resource(name + ".safetensors");
        Files.write(file, original);
        Model model = ModelFiles.load(file);

        JsonNode ref = new ObjectMapper().readTree(resource("predictions.json"));
        Matrix p;
        if (model instanceof TextPipeline t) {
            List<String> texts = new ArrayList<>();
            ref.get("texts").forEach(s -> texts.add(s.asText()));
            p = t.predictProba(texts);
        } else {
            JsonNode in = ref.get("inputs");
            Matrix x = new Matrix(in.size(), in.get(0).size());
            for (int i = 0; i < x.rows(); i++) {
                for (int j = 0; j < x.cols(); j++) {
                    x.data()[i * x.cols() + j] = in.get(i).get(j).asDouble();
                }
            }
            p = ((Classifier) model).predictProba(x);
        }
        JsonNode expected = ref.get("probabilities").get(name);
        assertEquals(expected.size(), p.rows());
        for (int i = 0; i < p.rows(); i++) {
            for (int c = 0; c < p.cols(); c++) {
                double e = expected.get(i).get(c).asDouble();
                // BLAS (native or Java) may sum in another order: allow a few ulps, relative to the value.
                assertTrue(Math.abs(p.get(i, c) - e) <= 1e-12 * Math.abs(e) + 1e-300,
                        name + " row " + i + " class " + c + ": " + p.get(i, c) + " vs " + e);
            }
        }

        Path again = tmp.resolve(name + "-again.safetensors");
        ModelFiles.save(model, again);
        byte[] rewritten = Files.readAllBytes(again);
        // This version adds each tensor's SHA-256 to __metadata__ (docs/model-format.md); the hashes must be those of
        // the old file's tensor bytes (computed here with the JDK's SHA-256 over the byte ranges of the old header).
        ObjectMapper hm = new ObjectMapper();
        JsonNode oldH = hm.readTree(header(original));
        JsonNode hashes = hm.readTree(hm.readTree(header(rewritten)).get("__metadata__").get("tensor_sha256").asText());
        byte[] oldBody = body(original);
        for (java.util.Iterator<String> it = oldH.fieldNames(); it.hasNext(); ) {
            String t = it.next();
            if (t.equals("__metadata__")) {
                continue;
            }
            JsonNode off = oldH.get(t).get("data_offsets");
            byte[] slice = java.util.Arrays.copyOfRange(oldBody, off.get(0).asInt(), off.get(1).asInt());
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(slice)),
                    hashes.get(t).asText(), name + ": hash of tensor " + t);
        }
        assertEquals(oldH.size() - 1, hashes.size(), name + ": one hash per tensor");
        if (!name.contains("provenance")) {
            assertArrayEquals(oldBody, body(rewritten), name + ": tensor bytes differ");
            JsonNode newH = hm.readTree(header(rewritten));
            ((com.fasterxml.jackson.databind.node.ObjectNode) newH.get("__metadata__")).remove("tensor_sha256");
            assertEquals(oldH, newH, name + ": header differs beyond tensor_sha256");
            // and without the hashes, the header is byte for byte the old one
            assertEquals(header(original).strip(), hm.writeValueAsString(newH), name + ": header bytes differ");
            return;
        }
        // Provenance is now written in its versioned form (docs/model-format.md): a non-private model no longer
        // writes an empty "privacy" map, and a format_version may appear. Apart from that the header and every
        // tensor byte are unchanged.
        ObjectMapper m = new ObjectMapper();
        JsonNode oldHeader = m.readTree(header(original));
        JsonNode newHeader = m.readTree(header(rewritten));
        assertArrayEquals(body(original), body(rewritten), name + ": tensor bytes differ");
        com.fasterxml.jackson.databind.node.ObjectNode oldDesc =
                (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(oldHeader.get("__metadata__").get("botsec").asText());
        com.fasterxml.jackson.databind.node.ObjectNode newDesc =
                (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(newHeader.get("__metadata__").get("botsec").asText());
        com.fasterxml.jackson.databind.node.ObjectNode oldProv = (com.fasterxml.jackson.databind.node.ObjectNode) oldDesc.get("provenance");
        com.fasterxml.jackson.databind.node.ObjectNode newProv = (com.fasterxml.jackson.databind.node.ObjectNode) newDesc.get("provenance");
        assertTrue(oldProv.get("privacy").isEmpty(), "the old file was non-private");
        oldProv.remove("privacy");
        newProv.remove("format_version");
        assertEquals(oldDesc, newDesc, name + ": description differs beyond provenance's versioned form");
        ((com.fasterxml.jackson.databind.node.ObjectNode) oldHeader.get("__metadata__")).remove("botsec");
        ((com.fasterxml.jackson.databind.node.ObjectNode) newHeader.get("__metadata__")).remove("botsec");
        ((com.fasterxml.jackson.databind.node.ObjectNode) newHeader.get("__metadata__")).remove("tensor_sha256");
        assertEquals(oldHeader, newHeader, name + ": header differs");
    }

    private static long headerLength(byte[] file) {
        return java.nio.ByteBuffer.wrap(file, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static String header(byte[] file) {
        return new String(file, 8, (int) headerLength(file), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] body(byte[] file) {
        return java.util.Arrays.copyOfRange(file, 8 + (int) headerLength(file), file.length);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FormatCompatibilityTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + DIR + name);
            }
            return in.readAllBytes();
        }
    }
}
