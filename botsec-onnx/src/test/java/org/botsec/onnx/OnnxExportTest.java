package org.botsec.onnx;

import static org.botsec.onnx.OnnxClassifierTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BotSec's own models written as ONNX and run back through ONNX Runtime give BotSec's own predictions (the
 * reference: the models' {@code predictProba} in Java) on every row of public data (breast_cancer, digits8x8).
 */
class OnnxExportTest {
    @TempDir
    Path dir;

    private static double[][] random(int rows, int cols, SplittableRandom r) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = r.nextGaussian() * 0.3;
            }
        }
        return a;
    }

    private void roundTrip(Classifier model, Matrix x, OnnxExport.Precision precision, double tol) {
        Path out = dir.resolve(model.getClass().getSimpleName() + "-" + precision.label() + ".onnx");
        OnnxExport.write((org.botsec.core.model.Model) model, precision, out);
        try (OnnxClassifier c = OnnxClassifier.load(out)) {
            assertEquals(model.classNames(), c.classNames());
            assertEquals(model.featureNames(), c.featureNames());
            assertClose(model.predictProba(x), c.predictProba(x), tol);
        }
    }

    @Test
    void binaryLogisticRegressionWithScaler() {
        Dataset d = DataSources.loadNumeric("builtin:breast_cancer:all", null);
        Standardizer s = Standardizer.fit(d.x());
        double[][] coef = random(1, d.numFeatures(), new SplittableRandom(1));
        LinearModel m = LinearModel.of(coef, new double[] {0.2}, d.classNames(), d.featureNames(), s.mean(),
                s.scale());
        roundTrip(m, d.x(), OnnxExport.Precision.FLOAT64, 1e-12);
        roundTrip(m, d.x(), OnnxExport.Precision.FLOAT32, 1e-5);
    }

    @Test
    void softmaxRegressionWithoutScaler() {
        Dataset d = DataSources.loadNumeric("builtin:digits8x8:all", null);
        double[][] coef = random(10, d.numFeatures(), new SplittableRandom(2));
        double[] b = new double[10];
        b[3] = 0.5;
        LinearModel m = LinearModel.of(coef, b, d.classNames(), d.featureNames());
        roundTrip(m, d.x(), OnnxExport.Precision.FLOAT64, 1e-12);
    }

    @Test
    void mlpWithScaler() {
        Dataset d = DataSources.loadNumeric("builtin:breast_cancer:all", null);
        Mlp m = Mlp.create(new int[] {d.numFeatures(), 16, 8, 2}, d.featureNames(), d.classNames(),
                Randomness.replayable(3)).withScaler(java.util.Optional.of(Standardizer.fit(d.x())));
        roundTrip(m, d.x(), OnnxExport.Precision.FLOAT64, 1e-12);
        roundTrip(m, d.x(), OnnxExport.Precision.FLOAT32, 1e-5);
    }

    @Test
    void importKeepsTheModelAndStoresSettings() {
        Path from = TestModels.copy("digits_cnn_f32_logits.onnx", dir);
        Path out = dir.resolve("imported.onnx");
        List<String> names = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine");
        Matrix[] g = TestModels.golden("digits_cnn_f32_logits.golden.json");
        Matrix expected;
        try (OnnxClassifier c = OnnxClassifier.builder(from).outputKind(OutputKind.LOGITS).classNames(names)
                .batchSize(16).importTo(out)) {
            expected = c.predictProba(g[0]);
        }
        try (OnnxClassifier again = OnnxClassifier.load(out)) { // no flags: the settings travel in the file
            assertEquals(OutputKind.LOGITS, again.outputKind());
            assertEquals(names, again.classNames());
            assertEquals(16, again.batchSize());
            assertClose(expected, again.predictProba(g[0]), 0);
        }
        // importing the imported file again replaces the settings rather than adding a second entry
        Path twice = dir.resolve("twice.onnx");
        try (OnnxClassifier c = OnnxClassifier.builder(out).batchSize(4).importTo(twice)) {
            assertEquals(4, c.batchSize());
            assertEquals(OutputKind.LOGITS, c.outputKind());
        }
        String meta = new String(readAll(twice), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(meta.indexOf("botsec-onnx/1"), meta.lastIndexOf("botsec-onnx/1"));
    }

    private static byte[] readAll(Path p) {
        try {
            return java.nio.file.Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
