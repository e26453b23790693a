package org.botsec.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.botsec.cli.ExitCode;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.onnx.OnnxClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX models through the unchanged commands: LIME, a black-box attack and the audit on models exported by
 * PyTorch (botsec-onnx's test models, src/test/python there), and BotSec's own model exported to ONNX predicting
 * exactly as the original.
 */
class OnnxCommandsTest {
    /** PyTorch-exported test models of botsec-onnx (our own files; see the README beside them). */
    static final Path MODELS = Path.of("..", "botsec-onnx", "src", "test", "resources", "onnx");

    @TempDir
    static Path dir;

    static Path cancer;
    static Path digits;

    @BeforeAll
    static void models() throws Exception {
        cancer = dir.resolve("cancer.onnx");
        Files.copy(MODELS.resolve("cancer_mlp_f32_proba.onnx"), cancer);
        digits = dir.resolve("digits.onnx");
        CliRun r = CliRun.run("models", "import-onnx", "--from",
                MODELS.resolve("digits_cnn_f32_logits.onnx").toString(), "--output-kind", "logits", "--batch-size",
                "256", "--out", digits.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("logits", j.get("output_kind").asText());
        assertEquals(64, j.get("num_features").asInt());
        assertEquals("[-1,1,8,8]", j.get("input_shape").toString());
    }

    @Test
    void limeTabularExplainsAnOnnxModel() {
        CliRun r = CliRun.run("explain", "lime-tabular", "--model", cancer.toString(), "--data",
                "builtin:breast_cancer:test", "--row", "3", "--train", "builtin:breast_cancer:train", "--seed", "7",
                "--num-samples", "1000", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals(10, j.get("weights").size());
        // the explained prediction is the ONNX model's own probability for that row (oracle: the library call)
        Dataset test = DataSources.loadNumeric("builtin:breast_cancer:test", null);
        try (OnnxClassifier c = OnnxClassifier.load(cancer)) {
            double p = c.predictProba(test.x().selectRows(new int[] {3})).get(0, 1);
            assertEquals(p, j.get("prediction").asDouble(), 1e-12);
        }
    }

    @Test
    void squareAttackIsBlackBoxOnAnOnnxModel() {
        CliRun r = CliRun.run("attack", "evasion", "--model", digits.toString(), "--data", "builtin:digits8x8:test",
                "--method", "square", "--epsilon", "0.3", "--max-queries", "100", "--seed", "3", "--limit", "30",
                "--json", "-q");
        assertEquals(0, r.code(), r.toString());
        JsonNode m = r.json().get("metrics");
        Dataset test = DataSources.loadNumeric("builtin:digits8x8:test", null);
        int[] rows = java.util.stream.IntStream.range(0, 30).toArray();
        Matrix x = test.x().selectRows(rows);
        int correct = 0;
        try (OnnxClassifier c = OnnxClassifier.load(digits)) {
            Matrix p = c.predictProba(x);
            for (int i = 0; i < 30; i++) {
                int best = 0;
                for (int k = 1; k < 10; k++) {
                    best = p.get(i, k) > p.get(i, best) ? k : best;
                }
                correct += best == test.y()[i] ? 1 : 0;
            }
        }
        assertEquals(correct / 30.0, m.get("clean_accuracy").asDouble(), 1e-12);
        assertTrue(m.get("robust_accuracy").asDouble() < m.get("clean_accuracy").asDouble(), m.toString());
        assertTrue(m.get("max_queries").asDouble() <= 100, m.toString());
    }

    @Test
    void auditRunsOnAnOnnxModel() throws Exception {
        Path config = dir.resolve("audit.yaml");
        Files.writeString(config, "seed: 5\nchecks:\n  privacy.membership:\n    rows: 100\n"
                + "  explanation.stability:\n    rows: 3\n    num_samples: 500\n    min_stability: 0.2\n"
                + "  poisoning.scan:\n    enabled: false\n");
        Path out = dir.resolve("audit");
        CliRun r = CliRun.run("audit", "--model", cancer.toString(), "--data", "builtin:breast_cancer:test",
                "--train-data", "builtin:breast_cancer:train", "--config", config.toString(), "--out", out.toString(),
                "-q");
        assertTrue(r.code() == 0 || r.code() == ExitCode.THRESHOLD_FAILED, r.toString());
        String report = Files.readString(out.resolve("report.json"));
        assertTrue(report.contains("\"onnx\""), report.substring(0, Math.min(400, report.length())));
        assertTrue(Files.exists(out.resolve("report.sarif")));
    }

    @Test
    void exportedBotsecModelPredictsAsTheOriginal() throws Exception {
        Path model = dir.resolve("logreg.safetensors");
        assertEquals(0, CliRun.run("train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out",
                model.toString(), "-q").code());
        Path onnx = dir.resolve("logreg.onnx");
        CliRun e = CliRun.run("models", "export-onnx", "--model", model.toString(), "--out", onnx.toString(), "--json");
        assertEquals(0, e.code(), e.toString());
        Path csv = dir.resolve("rows.csv");
        StringBuilder b = new StringBuilder();
        Dataset d = DataSources.loadNumeric("builtin:breast_cancer:test", null);
        b.append(String.join(",", d.featureNames())).append('\n');
        for (int i = 0; i < 20; i++) {
            double[] row = d.x().row(i);
            for (int j = 0; j < row.length; j++) {
                b.append(j == 0 ? "" : ",").append(row[j]);
            }
            b.append('\n');
        }
        Files.writeString(csv, b);
        JsonNode a = CliRun.run("predict", "--model", model.toString(), "--data", csv.toString(), "--json").json();
        JsonNode o = CliRun.run("predict", "--model", onnx.toString(), "--data", csv.toString(), "--json").json();
        for (int i = 0; i < 20; i++) {
            JsonNode pa = a.get("predictions").get(i);
            JsonNode po = o.get("predictions").get(i);
            assertEquals(pa.get("label"), po.get("label"));
            for (String k : new String[] {"malignant", "benign"}) {
                assertEquals(pa.get("probabilities").get(k).asDouble(), po.get("probabilities").get(k).asDouble(),
                        1e-12, k);
            }
        }
    }

    @Test
    void badOnnxFilesAreOneLineExitTwo() throws Exception {
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "<html>not a model</html>");
        CliRun r = CliRun.run("predict", "--model", junk.toString(), "--data", "builtin:breast_cancer:test");
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("not an ONNX model"), r.err());
        // logits read as probabilities: the model's own file without import settings
        CliRun l = CliRun.run("predict", "--model", MODELS.resolve("digits_cnn_f32_logits.onnx").toString(), "--data",
                "builtin:digits8x8:test");
        assertEquals(ExitCode.BAD_INPUT, l.code(), l.toString());
        assertTrue(l.err().contains("not a probability vector"), l.err());
        assertEquals(1, l.err().strip().lines().count(), l.err());
        CliRun d = CliRun.run("models", "import-onnx", "--from", MODELS.resolve("dynamic_features.onnx").toString(),
                "--out", dir.resolve("d.onnx").toString());
        assertEquals(ExitCode.BAD_INPUT, d.code(), d.toString());
        assertTrue(d.err().contains("dynamic"), d.err());
    }
}
