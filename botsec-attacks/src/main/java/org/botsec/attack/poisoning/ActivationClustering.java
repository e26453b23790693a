package org.botsec.attack.poisoning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.botsec.attack.poisoning.internal.Representations;
import org.botsec.attack.poisoning.internal.SymmetricEigen;
import org.botsec.attack.poisoning.internal.TwoMeans;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;

/**
 * Activation clustering (Chen, Carvalho, Baracaldo, Ludwig, Edwards, Lee, Molloy, Srivastava 2018, "Detecting
 * Backdoor Attacks on Deep Neural Networks by Activation Clustering", arXiv:1811.03728): for each label, reduce the
 * last-hidden-layer activations of its rows to a few dimensions, split them into two clusters with k-means, and flag
 * the smaller cluster when its share of the class is below {@code sizeThreshold} (the paper's relative-size
 * analysis: poisoned rows form a small, separate cluster in their target class).
 *
 * <p>Differences from the paper: the reduction is PCA (top {@code components} principal directions of the centred
 * activations) instead of ICA; the paper also offers silhouette-score and exclusionary-reclassification analyses,
 * which are not implemented — the mean silhouette of each split is reported in the details. The default size
 * threshold 0.35 is that of IBM ART's relative-size analysis ({@code analyze_by_relative_size}). When poisoned rows
 * are as many as the clean rows of the target class, the poisoned cluster is no longer the smaller one and this
 * analysis misses it.
 * Deterministic given the seed; thread-safe.
 */
public final class ActivationClustering implements PoisonDetector {
    public static final int DEFAULT_COMPONENTS = 10;
    public static final double DEFAULT_SIZE_THRESHOLD = 0.35;
    private static final int RESTARTS = 10;
    /** Silhouette is O(n²) per class; above this many rows it is computed on a seeded sample. */
    private static final int SILHOUETTE_SAMPLE = 2000;

    private final int components;
    private final double sizeThreshold;
    private final long seed;

    /**
     * @param components    PCA dimensions kept, ≥ 1 (the paper reduces to 10)
     * @param sizeThreshold largest share of its class a cluster may have to be flagged, in (0, 0.5]
     * @param seed          seed of the k-means restarts
     */
    public ActivationClustering(int components, double sizeThreshold, long seed) {
        if (components < 1) {
            throw BadInputException.of("PCA components must be >= 1, got %d", components);
        }
        if (!(sizeThreshold > 0 && sizeThreshold <= 0.5)) {
            throw BadInputException.of("cluster size threshold must be in (0, 0.5], got %s", sizeThreshold);
        }
        this.components = components;
        this.sizeThreshold = sizeThreshold;
        this.seed = seed;
    }

    /** With 10 components and size threshold 0.35. */
    public ActivationClustering(long seed) {
        this(DEFAULT_COMPONENTS, DEFAULT_SIZE_THRESHOLD, seed);
    }

    @Override
    public DetectorKind kind() {
        return DetectorKind.ACTIVATION_CLUSTERING;
    }

    @Override
    public Detection detect(Dataset train, Classifier model) {
        Matrix r = Representations.of(model, train.x());
        SplittableRandom rng = new SplittableRandom(seed);
        List<Integer> flagged = new ArrayList<>();
        Map<String, Object> perClass = new LinkedHashMap<>();
        List<int[]> classes = ClassRows.byClass(train.y(), train.numClasses());
        for (int c = 0; c < classes.size(); c++) {
            int[] idx = classes.get(c);
            SplittableRandom classRng = rng.split();
            if (idx.length < 4) {
                continue;
            }
            double[][] reduced = reduce(ClassRows.rows(r, idx));
            TwoMeans km = TwoMeans.fit(reduced, RESTARTS, classRng);
            int ones = 0;
            for (int a : km.assignment()) {
                ones += a;
            }
            int smaller = ones <= idx.length - ones ? 1 : 0;
            int smallSize = smaller == 1 ? ones : idx.length - ones;
            double share = smallSize / (double) idx.length;
            boolean poisoned = share < sizeThreshold && smallSize > 0;
            if (poisoned) {
                for (int i = 0; i < idx.length; i++) {
                    if (km.assignment()[i] == smaller) {
                        flagged.add(idx[i]);
                    }
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", idx.length);
            m.put("smaller_cluster_share", share);
            m.put("silhouette", silhouette(reduced, km.assignment(), classRng));
            m.put("flagged", poisoned);
            perClass.put(train.classNames().get(c), m);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("reduction", "pca");
        settings.put("components", components);
        settings.put("size_threshold", sizeThreshold);
        settings.put("seed", seed);
        settings.put("representation", Representations.describe(model));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("per_class", perClass);
        return new Detection(kind(), flagged.stream().mapToInt(Integer::intValue).toArray(), train.size(), List.of(),
                settings, details);
    }

    /** Projects the centred rows on their top principal directions. */
    private double[][] reduce(double[][] rows) {
        int d = rows[0].length;
        double[] mean = new double[d];
        double[] scatter = SymmetricEigen.centreAndScatter(rows, mean);
        int k = Math.min(components, d);
        double[][] dirs = SymmetricEigen.of(scatter, d).vectors();
        double[][] out = new double[rows.length][k];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    s += rows[i][t] * dirs[j][t];
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    /** Mean silhouette (Rousseeuw 1987) of a two-cluster split; 0 when a cluster is empty. */
    static double silhouette(double[][] x, int[] a, SplittableRandom rng) {
        int n = x.length;
        int[] sample = new int[Math.min(n, SILHOUETTE_SAMPLE)];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = n <= SILHOUETTE_SAMPLE ? i : rng.nextInt(n);
        }
        double total = 0;
        int counted = 0;
        for (int i : sample) {
            double[] sum = new double[2];
            int[] cnt = new int[2];
            for (int j : sample) {
                if (j == i) {
                    continue;
                }
                double s = 0;
                for (int t = 0; t < x[i].length; t++) {
                    double dd = x[i][t] - x[j][t];
                    s += dd * dd;
                }
                sum[a[j]] += Math.sqrt(s);
                cnt[a[j]]++;
            }
            int own = a[i];
            if (cnt[1 - own] == 0) {
                return 0;
            }
            if (cnt[own] == 0) {
                counted++;
                continue; // a singleton's silhouette is 0 by convention
            }
            double in = sum[own] / cnt[own];
            double out = sum[1 - own] / cnt[1 - own];
            total += (out - in) / Math.max(in, out);
            counted++;
        }
        return counted == 0 ? 0 : total / counted;
    }
}
