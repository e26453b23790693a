package org.botsec.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BotSec's predictions through ONNX Runtime equal PyTorch's own outputs (the reference: Debian's python3-torch
 * 1.13, src/test/python/export_test_models.py) on the same inputs, to 1e-6.
 */
class OnnxClassifierTest {
    @TempDir
    Path dir;

    static void assertClose(Matrix expected, Matrix actual, double tol) {
        assertEquals(expected.rows(), actual.rows(), "rows");
        assertEquals(expected.cols(), actual.cols(), "cols");
        for (int i = 0; i < expected.rows(); i++) {
            for (int j = 0; j < expected.cols(); j++) {
                double e = expected.get(i, j);
                double a = actual.get(i, j);
                assertTrue(Math.abs(e - a) <= tol, "row " + i + " col " + j + ": expected " + e + ", got " + a);
            }
        }
    }

    static void assertRelativelyClose(Matrix expected, Matrix actual, double rel) {
        for (int i = 0; i < expected.rows(); i++) {
            double scale = 1;
            for (int j = 0; j < expected.cols(); j++) {
                scale = Math.max(scale, Math.abs(expected.get(i, j)));
            }
            for (int j = 0; j < expected.cols(); j++) {
                double e = expected.get(i, j);
                double a = actual.get(i, j);
                assertTrue(Math.abs(e - a) <= rel * scale,
                        "row " + i + " col " + j + ": expected " + e + ", got " + a);
            }
        }
    }

    @Test
    void float32ProbabilitiesEqualPyTorch() {
        Matrix[] g = TestModels.golden("cancer_mlp_f32_proba.golden.json");
        try (OnnxClassifier c = OnnxClassifier.load(TestModels.copy("cancer_mlp_f32_proba.onnx", dir))) {
            assertEquals(List.of("malignant", "benign"), c.classNames()); // from the model's metadata
            assertEquals(30, c.numFeatures());
            assertEquals("mean_radius", c.featureNames().get(0));
            assertClose(g[1], c.predictProba(g[0]), 1e-6);
        }
    }

    @Test
    void float64LogitsEqualPyTorchAndSoftmaxIsApplied() {
        Matrix[] g = TestModels.golden("cancer_mlp_f64_logits.golden.json");
        try (OnnxClassifier c = OnnxClassifier.builder(TestModels.copy("cancer_mlp_f64_logits.onnx", dir))
                .outputKind(OutputKind.LOGITS).build()) {
            assertClose(g[1], c.rawScores(g[0]), 1e-12);
            Matrix p = c.predictProba(g[0]);
            for (int i = 0; i < g[1].rows(); i++) {
                double z0 = g[1].get(i, 0);
                double z1 = g[1].get(i, 1);
                assertEquals(1 / (1 + Math.exp(z0 - z1)), p.get(i, 1), 1e-12);
            }
        }
    }

    @Test
    void imageModelTakesFlattenedRowsInBatches() {
        Matrix[] g = TestModels.golden("digits_cnn_f32_logits.golden.json");
        assertEquals(64, g[0].cols());
        for (int batch : new int[] {1, 7, 1024}) {
            try (OnnxClassifier c = OnnxClassifier.builder(TestModels.copy("digits_cnn_f32_logits.onnx",
                            dir.resolve("b" + batch + "-").getParent().resolve(".")))
                    .outputKind(OutputKind.LOGITS).batchSize(batch).intraOpThreads(1).build()) {
                assertEquals(64, c.numFeatures());
                assertEquals(10, c.numClasses());
                // float32 convolutions summed in another order: logits agree to a few float32 ulps of the
                // row's largest logit (1e-6 of it); the predictions (probabilities) agree to 1e-6 absolute
                assertRelativelyClose(g[1], c.rawScores(g[0]), 1e-6);
                assertClose(org.botsec.core.linalg.Softmax.probabilities(g[1], 10), c.predictProba(g[0]), 1e-6);
            } finally {
                dir.resolve("digits_cnn_f32_logits.onnx").toFile().delete();
            }
        }
    }

    @Test
    void logitsTakenAsProbabilitiesAreRejected() {
        Matrix[] g = TestModels.golden("digits_cnn_f32_logits.golden.json");
        try (OnnxClassifier c = OnnxClassifier.load(TestModels.copy("digits_cnn_f32_logits.onnx", dir))) {
            BadInputException e = assertThrows(BadInputException.class, () -> c.predictProba(g[0]));
            assertTrue(e.getMessage().contains("not a probability vector"), e.getMessage());
            assertTrue(e.getMessage().contains("--output-kind logits"), e.getMessage());
        }
    }

    @Test
    void modelFilesLoadFindsOnnxThroughTheServiceLoader() {
        Model m = ModelFiles.load(TestModels.copy("cancer_mlp_f32_proba.onnx", dir));
        assertTrue(m instanceof OnnxClassifier, m.getClass().getName());
        assertEquals("onnx", m.type());
        ((OnnxClassifier) m).close();
    }

    @Test
    void wrongRowWidthIsOneLine() {
        try (OnnxClassifier c = OnnxClassifier.load(TestModels.copy("cancer_mlp_f32_proba.onnx", dir))) {
            BadInputException e = assertThrows(BadInputException.class, () -> c.predictProba(new Matrix(2, 29)));
            assertTrue(e.getMessage().contains("takes 30 features per row, got 29"), e.getMessage());
        }
    }

    @Test
    void builderRejectsASettingMadeTwice() {
        OnnxClassifier.Builder b = OnnxClassifier.builder(dir.resolve("x.onnx")).batchSize(4);
        assertThrows(IllegalStateException.class, () -> b.batchSize(8));
        assertThrows(BadInputException.class, () -> OnnxClassifier.builder(dir.resolve("x.onnx")).batchSize(0));
    }
}
