package org.botsec.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.rand.Randomness;

/**
 * Writes BotSec models exported to ONNX, with BotSec's own probabilities on public data, into a folder for
 * {@code src/test/python/check_exported_models.py} (the onnx checker and Python ONNX Runtime). Run:
 * {@code java -cp ... org.botsec.onnx.ExportForPythonCheck /tmp/onnx-export-check}.
 */
public final class ExportForPythonCheck {
    private ExportForPythonCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        Dataset cancer = DataSources.loadNumeric("builtin:breast_cancer:all", null);
        Dataset digits = DataSources.loadNumeric("builtin:digits8x8:all", null);
        Standardizer s = Standardizer.fit(cancer.x());
        SplittableRandom r = new SplittableRandom(1);
        double[][] c1 = new double[1][30];
        double[][] c10 = new double[10][64];
        for (double[] row : c1) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextGaussian() * 0.3;
            }
        }
        for (double[] row : c10) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextGaussian() * 0.3;
            }
        }
        write(dir, "logreg_binary", LinearModel.of(c1, new double[] {0.2}, cancer.classNames(),
                cancer.featureNames(), s.mean(), s.scale()), cancer.x());
        write(dir, "softmax10", LinearModel.of(c10, new double[10], digits.classNames(), digits.featureNames()), digits.x());
        write(dir, "mlp", Mlp.create(new int[] {30, 16, 8, 2}, cancer.featureNames(), cancer.classNames(),
                Randomness.replayable(3)).withScaler(Optional.of(s)), cancer.x());
        // import-onnx rewrites the metadata of a PyTorch export: the result must still pass the onnx checker
        Path torch = TestModels.copy("digits_cnn_f32_logits.onnx", dir);
        OnnxClassifier.builder(torch).outputKind(OutputKind.LOGITS).batchSize(64)
                .importTo(dir.resolve("imported_digits_cnn.onnx")).close();
    }

    private static void write(Path dir, String name, Model m, Matrix x) throws Exception {
        for (OnnxExport.Precision p : OnnxExport.Precision.values()) {
            OnnxExport.write(m, p, dir.resolve(name + "_" + p.label() + ".onnx"));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = json.createObjectNode();
        ArrayNode in = doc.putArray("inputs");
        ArrayNode out = doc.putArray("probabilities");
        Matrix p = ((Classifier) m).predictProba(x);
        for (int i = 0; i < x.rows(); i++) {
            ArrayNode a = in.addArray();
            for (double v : x.row(i)) {
                a.add(v);
            }
            ArrayNode b = out.addArray();
            for (double v : p.row(i)) {
                b.add(v);
            }
        }
        json.writeValue(dir.resolve(name + ".json").toFile(), doc);
    }
}
