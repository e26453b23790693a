package org.botsec.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.internal.LimeFit;
import org.botsec.explain.internal.WeightedDesign;

/**
 * The steps the three LIME explainers share (lime_base, Ribeiro et al. 2016): argument checks, the kernel on
 * distances, class names, and fitting one label's explanation model on a sampled neighbourhood.
 */
final class LimeSupport {
    private LimeSupport() {
    }

    /**
     * Checks the per-call counts: {@code numFeatures > 0} and {@code numSamples} within {@link SampleLimits} for a
     * neighbourhood of {@code columns} columns (words, features or segments, named by {@code columnsWhat}).
     */
    static void checkCounts(int numFeatures, int numSamples, long columns, String columnsWhat) {
        if (numFeatures <= 0) {
            throw BadInputException.of("numFeatures must be > 0, got %d", numFeatures);
        }
        SampleLimits.check("numSamples (--num-samples)", numSamples, columns, columnsWhat);
    }

    /** Returns {@code width} if it is a valid kernel width (> 0 and finite). */
    static double checkKernelWidth(double width) {
        if (!(width > 0) || Double.isInfinite(width)) {
            throw BadInputException.of("kernelWidth must be > 0 and finite, got %s", width);
        }
        return width;
    }

    /** lime's kernel sqrt(exp(−d²/width²)) of every distance. */
    static double[] kernel(double[] distances, double width) {
        double[] w = new double[distances.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.sqrt(Math.exp(-(distances[i] * distances[i]) / (width * width)));
        }
        return w;
    }

    /** The given class names (checked against the model's {@code k} classes), or "0", "1", ... if none. */
    static List<String> classNames(List<String> given, int k) {
        List<String> names = given != null ? given : defaultNames(k);
        if (names.size() != k) {
            throw BadInputException.of("model has %d classes but %d class names were given", k, names.size());
        }
        return names;
    }

    /** x0, x1, ..., x(d−1). */
    static List<String> defaultFeatureNames(int d) {
        List<String> n = new ArrayList<>(d);
        for (int i = 0; i < d; i++) {
            n.add("x" + i);
        }
        return n;
    }

    static List<String> defaultNames(int k) {
        List<String> n = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            n.add(Integer.toString(i));
        }
        return n;
    }

    /**
     * Fits the explanation model of {@code label} to the neighbourhood ({@code data} rows, sample weights
     * {@code weights}, the model's probabilities {@code proba}; row 0 is the instance) and wraps it up.
     */
    static Explanation explain(ExplanationMethod method, List<String> classNames, Matrix proba, int label,
            Matrix data, double[] weights, int numFeatures, FeatureSelection selection,
            IntFunction<String> featureName, long seed, Instance instance) {
        int k = proba.cols();
        if (label < 0 || label >= k) {
            throw BadInputException.of("label must be in [0, %d), got %d", k, label);
        }
        int n = data.rows();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = proba.get(i, label);
        }
        WeightedDesign.Fit fit = LimeFit.fit(new WeightedDesign(data, y, weights), numFeatures, selection);
        List<Double> probs = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            probs.add(proba.get(0, c));
        }
        return new Explanation(method, classNames, label, probs, sortedWeights(fit, featureName), fit.intercept(),
                fit.score(), fit.localPrediction(), y[0], OptionalLong.of(seed), n, instance);
    }

    /** The fitted weights, largest |weight| first. */
    static List<FeatureWeight> sortedWeights(WeightedDesign.Fit fit, IntFunction<String> name) {
        List<FeatureWeight> ws = new ArrayList<>();
        int[] columns = fit.columns();
        double[] coef = fit.coef();
        for (int i = 0; i < columns.length; i++) {
            int f = columns[i];
            ws.add(new FeatureWeight(f, name.apply(f), coef[i]));
        }
        ws.sort((x, y) -> Double.compare(Math.abs(y.weight()), Math.abs(x.weight())));
        return ws;
    }
}
