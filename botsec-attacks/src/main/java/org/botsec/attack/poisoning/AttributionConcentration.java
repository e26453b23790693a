package org.botsec.attack.poisoning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.explain.Background;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureWeight;
import org.botsec.explain.ShapExplainer;
import org.botsec.explain.ShapMethod;

/**
 * BotSec's attribution-concentration check for backdoor triggers: a trigger is a small set of features that, when
 * present, decides the prediction on its own, so the explanations of triggered rows put most of their weight on it.
 * It explains a seeded sample of training rows with Kernel SHAP (Lundberg &amp; Lee 2017) against the training
 * set's column means, each for the class the model predicts, and calls a row <em>concentrated</em> when a small
 * patch carries at least {@code massFraction} of its total |SHAP| mass: for square images, the smallest K×K window
 * (K·K ≤ {@code maxFeatures}) that does; for other data, its fewest top-|φ| features (at most {@code maxFeatures}).
 * When the same patch is the concentrated patch of at least {@code max(3, minShare · sample)} explained rows, it is
 * reported as a possible trigger, and every training row whose values on the patch match those rows' (per feature
 * median, within 10% of the feature's range) is flagged. By default a patch may cover at most 1/16 of the features
 * and must carry half the mass; on digits8x8 clean rows' best 2×2 window holds at most about 0.43 of the mass and
 * triggered rows' 0.54 to 0.64 (measured, see the docs).
 *
 * <p>It needs no representation of the model (any {@link Classifier}), but its cost is SHAP's: sample ×
 * nsamples model calls. It looks for a <em>shared</em> patch, so it does not flag label flips, and a model that
 * legitimately decides many predictions on a few features (a sparse tabular model) can raise it too: it reports a
 * possible trigger for a person to inspect. Deterministic given the seed.
 */
public final class AttributionConcentration implements PoisonDetector {
    public static final int DEFAULT_SAMPLE = 200;
    public static final double DEFAULT_MASS_FRACTION = 0.5;
    public static final double DEFAULT_MIN_SHARE = 0.015;
    private static final double MATCH_TOLERANCE = 0.1;

    private final int sample;
    private final int maxFeatures;
    private final double massFraction;
    private final double minShare;
    private final Integer nsamples;
    private final long seed;

    /**
     * @param sample       training rows explained, ≥ 1
     * @param maxFeatures  largest trigger size in features, ≥ 1
     * @param massFraction share of a row's |SHAP| mass its few top features must carry, in (0, 1]
     * @param minShare     share of the explained rows that must concentrate on a feature, in (0, 1]
     * @param nsamples     Kernel SHAP coalitions per row, or null for shap's default 2M + 2048
     * @param seed         seed of the row sample and of Kernel SHAP
     */
    public AttributionConcentration(int sample, int maxFeatures, double massFraction, double minShare,
                                    Integer nsamples, long seed) {
        if (sample < 1) {
            throw BadInputException.of("attribution sample must be >= 1 rows, got %d", sample);
        }
        if (maxFeatures < 1) {
            throw BadInputException.of("largest trigger size must be >= 1 feature, got %d", maxFeatures);
        }
        if (!(massFraction > 0 && massFraction <= 1)) {
            throw BadInputException.of("attribution mass fraction must be in (0, 1], got %s", massFraction);
        }
        if (!(minShare > 0 && minShare <= 1)) {
            throw BadInputException.of("minimum share of concentrated rows must be in (0, 1], got %s", minShare);
        }
        if (nsamples != null && nsamples < 1) {
            throw BadInputException.of("SHAP nsamples must be >= 1, got %d", nsamples);
        }
        this.sample = sample;
        this.maxFeatures = maxFeatures;
        this.massFraction = massFraction;
        this.minShare = minShare;
        this.nsamples = nsamples;
        this.seed = seed;
    }

    /** With the defaults: 200 rows, patches up to 1/16 of the features, half the mass, 1.5% of the rows (at least 3). */
    public AttributionConcentration(int numFeatures, long seed) {
        this(DEFAULT_SAMPLE, defaultMaxFeatures(numFeatures), DEFAULT_MASS_FRACTION, DEFAULT_MIN_SHARE, null, seed);
    }

    /** The default largest patch: 1/16 of the features (4 of 64, 49 of 784), at least 1. */
    public static int defaultMaxFeatures(int numFeatures) {
        return Math.max(1, numFeatures / 16);
    }

    @Override
    public DetectorKind kind() {
        return DetectorKind.ATTRIBUTION_CONCENTRATION;
    }

    @Override
    public Detection detect(Dataset train, Classifier model) {
        int n = train.size();
        int d = train.numFeatures();
        SplittableRandom rng = new SplittableRandom(seed);
        int[] rows = sampleRows(n, Math.min(sample, n), rng);
        Matrix x = train.x().selectRows(rows);
        int[] predicted = PoisoningExperiment.predict(model, x);
        Matrix mean = new Matrix(1, d, columnMeans(train.x()));
        Background background = Background.of(mean);
        long shapSeed = rng.nextLong();

        int side = (int) Math.round(Math.sqrt(d));
        boolean image = side * side == d;
        List<int[]> concentrated = new ArrayList<>();
        List<Integer> concentratedRows = new ArrayList<>();
        for (int c = 0; c < train.numClasses(); c++) {
            int cls = c;
            int[] idx = java.util.stream.IntStream.range(0, rows.length).filter(i -> predicted[i] == cls).toArray();
            if (idx.length == 0) {
                continue;
            }
            ShapExplainer.Builder b = ShapExplainer.builder().method(ShapMethod.KERNEL).model(model)
                    .background(background).label(c).seed(shapSeed + c);
            if (nsamples != null) {
                b.nsamples(nsamples);
            }
            List<Explanation> ex = b.build().explainRows(x.selectRows(idx));
            for (int i = 0; i < idx.length; i++) {
                int[] patch = image ? concentratedWindow(ex.get(i), side) : concentratedSet(ex.get(i));
                if (patch.length > 0) {
                    concentrated.add(patch);
                    concentratedRows.add(idx[i]);
                }
            }
        }
        int minRows = Math.max(3, (int) Math.ceil(minShare * rows.length));
        Map<List<Integer>, Integer> counts = new LinkedHashMap<>();
        for (int[] patch : concentrated) {
            counts.merge(Arrays.stream(patch).sorted().boxed().toList(), 1, Integer::sum);
        }
        List<Integer> trigger = List.of();
        int support = 0;
        for (Map.Entry<List<Integer>, Integer> e : counts.entrySet()) {
            if (e.getValue() >= minRows && e.getValue() > support) {
                trigger = e.getKey();
                support = e.getValue();
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rows_explained", rows.length);
        details.put("rows_concentrated", concentrated.size());
        details.put("min_rows", minRows);
        details.put("distinct_patches", counts.size());
        details.put("trigger_support", support);
        details.put("patch_shape", image ? "square_window" : "top_features");
        int[] flagged = trigger.isEmpty() ? new int[0]
                : matchingRows(train.x(), x, concentrated, concentratedRows, trigger);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("sample", sample);
        settings.put("max_features", maxFeatures);
        settings.put("mass_fraction", massFraction);
        settings.put("min_share", minShare);
        settings.put("explainer", "kernel_shap");
        settings.put("background", "column_means");
        if (nsamples != null) {
            settings.put("nsamples", nsamples);
        }
        settings.put("seed", seed);
        return new Detection(kind(), flagged, n, trigger, settings, details);
    }

    /** The smallest K×K window (K·K ≤ maxFeatures) holding massFraction of the |φ| mass, or empty. */
    private int[] concentratedWindow(Explanation e, int side) {
        double[] f = new double[side * side];
        double total = 0;
        for (FeatureWeight w : e.weights()) {
            f[w.index()] = Math.abs(w.weight());
            total += f[w.index()];
        }
        if (!(total > 0)) {
            return new int[0];
        }
        for (int k = 1; k * k <= maxFeatures && k <= side; k++) {
            double best = -1;
            int bestR = 0;
            int bestC = 0;
            for (int r = 0; r + k <= side; r++) {
                for (int c = 0; c + k <= side; c++) {
                    double m = 0;
                    for (int a = 0; a < k; a++) {
                        for (int b = 0; b < k; b++) {
                            m += f[(r + a) * side + c + b];
                        }
                    }
                    if (m > best) {
                        best = m;
                        bestR = r;
                        bestC = c;
                    }
                }
            }
            if (best >= massFraction * total) {
                int[] out = new int[k * k];
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        out[a * k + b] = (bestR + a) * side + bestC + b;
                    }
                }
                return out;
            }
        }
        return new int[0];
    }

    /** The fewest top-|φ| features holding {@code massFraction} of the mass, or empty if more than maxFeatures. */
    private int[] concentratedSet(Explanation e) {
        List<FeatureWeight> w = new ArrayList<>(e.weights());
        double total = 0;
        for (FeatureWeight f : w) {
            total += Math.abs(f.weight());
        }
        if (!(total > 0)) {
            return new int[0];
        }
        w.sort((a, b) -> Double.compare(Math.abs(b.weight()), Math.abs(a.weight())));
        double acc = 0;
        for (int s = 0; s < Math.min(maxFeatures, w.size()); s++) {
            acc += Math.abs(w.get(s).weight());
            if (acc >= massFraction * total) {
                int[] out = new int[s + 1];
                for (int t = 0; t <= s; t++) {
                    out[t] = w.get(t).index();
                }
                return out;
            }
        }
        return new int[0];
    }

    /** Training rows whose trigger-feature values match the median of the concentrated rows that share them. */
    private static int[] matchingRows(Matrix all, Matrix explained, List<int[]> sets, List<Integer> setRows,
                                      List<Integer> trigger) {
        List<double[]> supporting = new ArrayList<>();
        for (int s = 0; s < sets.size(); s++) {
            int shared = 0;
            for (int j : sets.get(s)) {
                if (trigger.contains(j)) {
                    shared++;
                }
            }
            if (2 * shared >= Math.min(trigger.size(), sets.get(s).length)) {
                supporting.add(explained.row(setRows.get(s)));
            }
        }
        int k = trigger.size();
        double[] pattern = new double[k];
        double[] tolerance = new double[k];
        for (int t = 0; t < k; t++) {
            int j = trigger.get(t);
            double[] v = supporting.stream().mapToDouble(r -> r[j]).sorted().toArray();
            pattern[t] = v.length == 0 ? Double.NaN : v[v.length / 2];
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < all.rows(); i++) {
                lo = Math.min(lo, all.get(i, j));
                hi = Math.max(hi, all.get(i, j));
            }
            tolerance[t] = MATCH_TOLERANCE * (hi - lo);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < all.rows(); i++) {
            boolean match = true;
            for (int t = 0; t < k && match; t++) {
                match = Math.abs(all.get(i, trigger.get(t)) - pattern[t]) <= tolerance[t];
            }
            if (match) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] columnMeans(Matrix x) {
        double[] m = new double[x.cols()];
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                m[j] += x.get(i, j);
            }
        }
        for (int j = 0; j < m.length; j++) {
            m[j] /= Math.max(1, x.rows());
        }
        return m;
    }

    private static int[] sampleRows(int n, int k, SplittableRandom rng) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        int[] out = Arrays.copyOf(a, k);
        Arrays.sort(out);
        return out;
    }
}
