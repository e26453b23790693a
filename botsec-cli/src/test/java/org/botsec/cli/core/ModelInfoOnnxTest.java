package org.botsec.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models info} on ONNX files (issue 15): a PyTorch-exported model (botsec-onnx's test model; its IR version 7
 * is the file's first protobuf field, bytes {@code 08 07}, and opset 13 is what the export script asked for) and a
 * DP-trained BotSec model exported by {@code models export-onnx}, whose classes, features, provenance and ε must be
 * the safetensors original's as {@code models info} reports them.
 */
class ModelInfoOnnxTest {
    static final Path MODELS = Path.of("..", "botsec-onnx", "src", "test", "resources", "onnx");

    @TempDir
    Path dir;

    @Test
    void pytorchExportedModel() throws Exception {
        Path m = dir.resolve("cancer.onnx");
        Files.copy(MODELS.resolve("cancer_mlp_f32_proba.onnx"), m);
        CliRun r = CliRun.run("models", "info", m.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("onnx", j.get("format").asText());
        assertEquals(7, j.get("ir_version").asLong());
        assertEquals(13, j.get("opsets").get("").asLong(), j.toString());
        assertEquals("features", j.get("input").asText());
        assertEquals("probabilities", j.get("output").asText());
        assertEquals("probabilities", j.get("output_kind").asText());
        assertEquals("float", j.get("inputs").get(0).get("elem_type").asText());
        assertEquals("[-1,30]", j.get("inputs").get(0).get("shape").toString());
        assertEquals(30, j.get("num_features").asInt());
        // class and feature names: the metadata the export script appended (breast_cancer's own column names)
        CliRun data = CliRun.run("models", "info", "--json", trained(false).toString());
        assertEquals(data.json().get("feature_names"), j.get("feature_names"));
        assertEquals(2, j.get("classes").size());
        assertTrue(j.get("provenance").isNull(), "PyTorch wrote no BotSec provenance");
        assertEquals(org.botsec.core.files.SafeFiles.sha256(m), j.get("sha256").asText());

        CliRun text = CliRun.run("models", "info", m.toString());
        assertEquals(0, text.code(), text.toString());
        assertTrue(text.out().contains("type:        onnx (ONNX IR version 7; opsets ai.onnx 13)"), text.out());
        assertTrue(text.out().contains("input:       features float [?, 30] (fed: 30 features a row)"), text.out());
        assertTrue(text.out().contains("output:      probabilities float [?, 2] (read as probabilities)"), text.out());
        assertTrue(text.out().contains("provenance:  none recorded"), text.out());
        assertTrue(text.out().contains("signature:   none"), text.out());
    }

    @Test
    void exportedDpModelKeepsItsProvenance() {
        Path sf = trained(true);
        Path onnx = dir.resolve("bc-dp.onnx");
        CliRun e = CliRun.run("models", "export-onnx", "--model", sf.toString(), "--out", onnx.toString());
        assertEquals(0, e.code(), e.toString());
        JsonNode orig = CliRun.run("models", "info", sf.toString(), "--json").json();
        CliRun r = CliRun.run("models", "info", onnx.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals(orig.get("classes"), j.get("classes"));
        assertEquals(orig.get("feature_names"), j.get("feature_names"));
        assertEquals(orig.get("provenance"), j.get("provenance"));
        assertFalse(j.get("privacy").isNull(), j.toString());
        assertEquals(orig.get("privacy").get("epsilon").asDouble(), j.get("privacy").get("epsilon").asDouble(), 0.0);
        assertEquals("double", j.get("inputs").get(0).get("elem_type").asText());
        assertEquals(13, j.get("opsets").get("").asLong());

        CliRun text = CliRun.run("models", "info", onnx.toString());
        assertEquals(0, text.code(), text.toString());
        assertTrue(text.out().contains("privacy:     epsilon "), text.out());
        assertTrue(text.out().contains(ModelInfoCommand.EPSILON_DELTA_MEANING), text.out());
    }

    @Test
    void anOnnxFileThatIsNotAModelIsOneLine() throws Exception {
        Path bad = dir.resolve("broken.onnx");
        byte[] b = Files.readAllBytes(MODELS.resolve("cancer_mlp_f32_proba.onnx"));
        Files.write(bad, java.util.Arrays.copyOf(b, b.length / 3));
        CliRun r = CliRun.run("models", "info", bad.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    private Path trained(boolean dp) {
        Path m = dir.resolve(dp ? "bc-dp.safetensors" : "bc.safetensors");
        if (Files.exists(m)) {
            return m;
        }
        String[] base = {"train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out", m.toString(), "-q"};
        String[] dpArgs = {"--dp", "--l2-norm-clip", "1.0", "--noise-multiplier", "1.1", "--learning-rate", "0.5",
            "--delta", "1e-5", "--epochs", "2", "--batch-size", "64"};
        CliRun t = CliRun.run(dp ? CoreCommandsTest.concat(base, dpArgs) : base);
        assertEquals(0, t.code(), t.toString());
        return m;
    }
}
