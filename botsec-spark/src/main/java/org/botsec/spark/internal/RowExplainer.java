package org.botsec.spark.internal;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.explain.Background;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureWeight;
import org.botsec.explain.LimeTabularExplainer;
import org.botsec.explain.ShapExplainer;
import org.botsec.explain.ShapMethod;

/**
 * One explainer built from plain settings (shipped to executors as arrays and numbers) that explains a row as row
 * {@code index} of a batch, i.e. exactly as the in-process {@code explainRows} explains that position. Built once
 * per partition and on the driver (to validate before any job starts).
 */
public final class RowExplainer {
    /** LIME's neighbourhood size when none is given (lime's {@code num_samples=5000}). */
    public static final int DEFAULT_LIME_SAMPLES = 5000;

    /**
     * Everything needed to rebuild the explainer; only arrays and numbers (Spark ships it with the partition
     * function), so the sample count is a plain int with 0 for the method's default.
     */
    public record Settings(boolean shap, int numFeatures, long seed, int label, int samplesOrZero, int backgroundRows,
            int backgroundCols, double[] background) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Settings {
            background = background.clone();
        }

        @Override
        public double[] background() {
            return background.clone();
        }

        /** The sample count, empty for the method's default. */
        OptionalInt samples() {
            return samplesOrZero > 0 ? OptionalInt.of(samplesOrZero) : OptionalInt.empty();
        }

        Matrix backgroundMatrix() {
            return new Matrix(backgroundRows, backgroundCols, background.clone());
        }
    }

    private final Settings settings;
    private final Classifier model;
    private final ShapExplainer shap;
    private final LimeTabularExplainer lime;

    public RowExplainer(Settings settings, Classifier model) {
        this.settings = settings;
        this.model = model;
        if (settings.shap()) {
            ShapExplainer.Builder b = ShapExplainer.builder().method(ShapMethod.KERNEL).model(model)
                    .background(Background.of(settings.backgroundMatrix())).label(settings.label())
                    .seed(settings.seed());
            settings.samples().ifPresent(b::nsamples);
            this.shap = b.build();
            this.lime = null;
        } else {
            this.shap = null;
            this.lime = LimeTabularExplainer.builder().trainingData(settings.backgroundMatrix()).model(model)
                    .seed(settings.seed()).build();
        }
    }

    /** The explanation of {@code x} as row {@code index} of the batch. */
    public Explanation explain(double[] x, long index) {
        if (shap != null) {
            return shap.explainRow(x, index);
        }
        return lime.explainRow(x, index, model::predictProba, settings.numFeatures(),
                settings.samples().orElse(DEFAULT_LIME_SAMPLES), settings.label());
    }

    /**
     * The {@code k} weights of largest magnitude, largest first (ties in feature order). LIME's weights are already
     * the k selected features; SHAP's are every feature's.
     */
    public static List<FeatureWeight> top(Explanation e, int k) {
        List<FeatureWeight> w = e.weights();
        return IntStream.range(0, w.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -Math.abs(w.get(i).weight())).thenComparingInt(i -> i))
                .limit(k).map(w::get).toList();
    }
}
