package org.botsec.onnx;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.onnx.internal.OnnxWriter;

/**
 * Writes BotSec's own numeric models as self-contained ONNX files (IR 7, opset 13) that any ONNX runtime can
 * serve: input {@code features} [batch, d], output {@code probabilities} [batch, k].
 *
 * <ul>
 *   <li>Logistic / softmax regression: {@code Sub, Div} (the standardiser, when the model has one) →
 *       {@code Gemm} (transB = 1) → {@code Softmax}. A binary model's one score row z becomes the two rows
 *       [0, z], whose softmax is [σ(−z), σ(z)] — BotSec's own binary probabilities.</li>
 *   <li>MLP: the standardiser, then {@code Gemm → Relu} per hidden layer, {@code Gemm → Softmax}.</li>
 * </ul>
 * Class and feature names go into the model's metadata ({@code class_names}, {@code feature_names}, JSON
 * arrays) and BotSec's settings ({@code botsec}), so {@code --model model.onnx} works without flags; the model's
 * provenance, when it has one, goes in as JSON under {@link OnnxClassifier#PROVENANCE_KEY}.
 * Float64 (default) keeps BotSec's predictions to rounding; float32 is for runtimes without double kernels.
 */
public final class OnnxExport {
    /** The element type of the exported tensors. */
    public enum Precision {
        FLOAT32("float32", OnnxWriter.FLOAT),
        FLOAT64("float64", OnnxWriter.DOUBLE);

        private final String label;
        private final int elemType;

        Precision(String label, int elemType) {
            this.label = label;
            this.elemType = elemType;
        }

        public String label() {
            return label;
        }

        public static Precision parse(String s) {
            for (Precision p : values()) {
                if (p.label.equals(s)) {
                    return p;
                }
            }
            throw BadInputException.of("precision must be float32 or float64, got %s", s);
        }
    }

    private OnnxExport() {
    }

    /** The ONNX bytes of {@code model}. */
    public static byte[] toBytes(Model model, Precision precision) {
        OnnxWriter w = new OnnxWriter(precision.elemType);
        List<String> classes;
        List<String> features;
        if (model instanceof LinearModel m) {
            classes = m.classNames();
            features = m.featureNames();
            w.input("features", features.size());
            String x = standardize(w, "features", m.scaler());
            Matrix coef = m.coef();
            double[] b = m.intercept();
            double[] weights = coef.data();
            int rows = coef.rows();
            if (rows == 1) {
                double[] two = new double[2 * coef.cols()];
                System.arraycopy(weights, 0, two, coef.cols(), coef.cols());
                weights = two;
                b = new double[] {0, b[0]};
                rows = 2;
            }
            String z = w.node("Gemm", Map.of("transB", 1L), x,
                    w.constant("coef", new long[] {rows, coef.cols()}, weights), w.constant("intercept",
                            new long[] {rows}, b));
            w.namedNode("Softmax", Map.of("axis", 1L), "probabilities", z);
        } else if (model instanceof Mlp m) {
            classes = m.classNames();
            features = m.featureNames();
            int[] sizes = m.layerSizes();
            double[] p = new double[m.numParameters()];
            m.getParameters(p); // per layer: weights (out × in, row-major), then biases
            w.input("features", features.size());
            String h = standardize(w, "features", m.scaler());
            int offset = 0;
            for (int l = 0; l + 1 < sizes.length; l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                double[] wl = java.util.Arrays.copyOfRange(p, offset, offset + out * in);
                offset += out * in;
                double[] bl = java.util.Arrays.copyOfRange(p, offset, offset + out);
                offset += out;
                h = w.node("Gemm", Map.of("transB", 1L), h, w.constant("w" + l, new long[] {out, in}, wl),
                        w.constant("b" + l, new long[] {out}, bl));
                if (l + 2 < sizes.length) {
                    h = w.node("Relu", Map.of(), h);
                }
            }
            w.namedNode("Softmax", Map.of("axis", 1L), "probabilities", h);
        } else {
            throw BadInputException.of("model type %s cannot be exported to ONNX (supported: %s, %s)", model.type(),
                    LinearModel.TYPE, Mlp.TYPE);
        }
        w.output("probabilities", classes.size());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("class_names", json(classes));
        meta.put("feature_names", json(features));
        meta.put(OnnxClassifier.METADATA_KEY, new OnnxClassifier.Settings(Optional.of("features"),
                Optional.of("probabilities"), Optional.of(OutputKind.PROBABILITIES), Optional.of(classes),
                Optional.of(features), OptionalInt.empty(), OptionalInt.empty()).toJson());
        // the training provenance (data hash, parameters, the DP guarantee) travels with the exported model
        org.botsec.core.io.ModelRegistry.provenance(model)
                .ifPresent(p -> meta.put(OnnxClassifier.PROVENANCE_KEY, p.toJson().toString()));
        return w.model("botsec_" + model.type(), meta, version());
    }

    /** Writes {@code model} as an ONNX file at {@code out} (atomically). */
    public static void write(Model model, Precision precision, Path out) {
        OnnxWriter.writeAtomically(out, toBytes(model, precision));
    }

    private static String standardize(OnnxWriter w, String x, Optional<Standardizer> scaler) {
        if (scaler.isEmpty()) {
            return x;
        }
        double[] mean = scaler.get().mean();
        double[] scale = scaler.get().scale();
        String centred = w.node("Sub", Map.of(), x, w.constant("mean", new long[] {mean.length}, mean));
        return w.node("Div", Map.of(), centred, w.constant("scale", new long[] {scale.length}, scale));
    }

    private static String json(List<String> names) {
        com.fasterxml.jackson.databind.node.ArrayNode a = OnnxClassifier.JSON.createArrayNode();
        names.forEach(a::add);
        return a.toString();
    }

    private static String version() {
        String v = OnnxExport.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
