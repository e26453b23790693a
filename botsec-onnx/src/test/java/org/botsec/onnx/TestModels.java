package org.botsec.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.core.linalg.Matrix;

/** The ONNX models and PyTorch golden outputs in src/test/resources/onnx (made by src/test/python). */
final class TestModels {
    private TestModels() {
    }

    /** Copies resource {@code onnx/name} into {@code dir} and returns the copy. */
    static Path copy(String name, Path dir) {
        try (InputStream in = TestModels.class.getResourceAsStream("/onnx/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource onnx/" + name);
            }
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Golden inputs and outputs: {@code [inputs, outputs]}. */
    static Matrix[] golden(String name) {
        try (InputStream in = TestModels.class.getResourceAsStream("/onnx/" + name)) {
            JsonNode doc = new ObjectMapper().readTree(in);
            return new Matrix[] {matrix(doc.get("inputs")), matrix(doc.get("outputs"))};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A nested JSON array flattened to rows (image inputs [N, 1, 8, 8] become N × 64). */
    private static Matrix matrix(JsonNode rows) {
        int n = rows.size();
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            java.util.List<Double> flat = new java.util.ArrayList<>();
            flatten(rows.get(i), flat);
            out[i] = flat.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return Matrix.of(out);
    }

    private static void flatten(JsonNode n, java.util.List<Double> out) {
        if (n.isArray()) {
            n.forEach(e -> flatten(e, out));
        } else {
            out.add(n.asDouble());
        }
    }
}
