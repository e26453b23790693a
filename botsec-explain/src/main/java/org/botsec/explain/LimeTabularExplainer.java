package org.botsec.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.explain.internal.BuilderSettings;
import org.botsec.explain.internal.QuartileDiscretizer;
import org.botsec.explain.internal.Seeds;

/**
 * LIME for tabular rows, as marcotcr/lime's {@code LimeTabularExplainer} with its defaults (Ribeiro et al.
 * 2016). With the quartile discretiser (default) every feature becomes "in the instance's quartile bin or not":
 * a sample draws each feature's bin from its training frequencies, the surrogate sees the 0/1 indicator of
 * "same bin as the instance" and the model sees a value drawn from a normal truncated to the drawn bin (bin
 * mean and standard deviation from the training data). Without discretisation a sample is N(mean, sd²) per
 * feature from the training statistics and the surrogate sees standardised values. Distances are Euclidean
 * in the surrogate's space, the kernel is sqrt(exp(−d²/w²)) with w = 0.75·sqrt(number of features), and the
 * fit is LIME's (feature selection, then weighted ridge α = 1).
 *
 * <p>Randomness: each call replays the explainer's seed (recorded in the result). Immutable and thread-safe.
 */
public final class LimeTabularExplainer {
    private final Matrix training;
    private final List<String> featureNames;
    private final List<String> classNames;
    private final double kernelWidth;
    private final FeatureSelection featureSelection;
    private final QuartileDiscretizer discretizer;
    private final double[] mean;
    private final double[] scale;
    private final long seed;

    private LimeTabularExplainer(Builder b) {
        this.training = b.training;
        int d = training.cols();
        this.featureNames = b.featureNames != null ? b.featureNames : defaultFeatureNames(d);
        if (featureNames.size() != d) {
            throw BadInputException.of("%d feature names for %d training columns", featureNames.size(), d);
        }
        this.classNames = b.classNames;
        this.kernelWidth = b.kernelWidth != null ? b.kernelWidth : 0.75 * Math.sqrt(d);
        this.featureSelection = b.featureSelection;
        this.discretizer = b.discretize ? new QuartileDiscretizer(training, featureNames) : null;
        this.seed = b.seed == null ? Seeds.fresh() : b.seed;
        mean = new double[d];
        scale = new double[d];
        int n = training.rows();
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += training.get(i, j);
            }
            mean[j] = s / n;
            double v = 0;
            for (int i = 0; i < n; i++) {
                double t = training.get(i, j) - mean[j];
                v += t * t;
            }
            double sd = Math.sqrt(v / n);
            scale[j] = sd == 0 ? 1.0 : sd; // scikit-learn's StandardScaler leaves constant columns unscaled
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    static List<String> defaultFeatureNames(int d) {
        List<String> n = new ArrayList<>(d);
        for (int i = 0; i < d; i++) {
            n.add("x" + i);
        }
        return n;
    }

    /** Explains {@code label} of {@code row} with {@code numSamples} perturbed rows (the first is the row). */
    public Explanation explainInstance(double[] row, Function<Matrix, Matrix> predictProba, int numFeatures,
            int numSamples, int label) {
        return explainInstance(row, predictProba, numFeatures, numSamples, label, seed);
    }

    /**
     * Explains every row of {@code rows} in parallel on all cores; row i uses the seed
     * {@code Seeds.forRow(seed, i)}, so each result is the same whatever the scheduling or the batch it is in.
     * The prediction function must be thread-safe.
     */
    public List<Explanation> explainRows(Matrix rows, Function<Matrix, Matrix> predictProba, int numFeatures,
            int numSamples, int label) {
        Explanation[] out = new Explanation[rows.rows()];
        java.util.stream.IntStream.range(0, rows.rows()).parallel().forEach(i -> out[i] = explainInstance(
                rows.row(i), predictProba, numFeatures, numSamples, label, Seeds.forRow(seed, i)));
        return List.of(out);
    }

    /**
     * Explains {@code row} as row {@code index} of a batch: the seed is {@code Seeds.forRow(seed, index)}, so the
     * result equals element {@code index} of {@link #explainRows} on a matrix holding {@code row} at that position.
     * This is how distributed batches (botsec-spark) reproduce the in-process result row by row.
     */
    public Explanation explainRow(double[] row, long index, Function<Matrix, Matrix> predictProba, int numFeatures,
            int numSamples, int label) {
        if (index < 0) {
            throw BadInputException.of("row index must be >= 0, got %d", index);
        }
        return explainInstance(row, predictProba, numFeatures, numSamples, label, Seeds.forRow(seed, index));
    }

    private Explanation explainInstance(double[] row, Function<Matrix, Matrix> predictProba, int numFeatures,
            int numSamples, int label, long seed) {
        int d = training.cols();
        if (row.length != d) {
            throw BadInputException.of("row has %d values but the training data has %d columns", row.length, d);
        }
        LimeSupport.checkCounts(numFeatures, numSamples, d, "features");
        SplittableRandom random = new SplittableRandom(seed);
        Matrix data = new Matrix(numSamples, d);
        Matrix inverse = new Matrix(numSamples, d);
        double[] distances = new double[numSamples];
        List<String> names = new ArrayList<>(d);
        if (discretizer != null) {
            int[] instanceBin = new int[d];
            double[][] cdf = new double[d][];
            for (int j = 0; j < d; j++) {
                instanceBin[j] = discretizer.bin(j, row[j]);
                names.add(discretizer.binName(j, instanceBin[j]));
                double[] f = discretizer.frequencies(j);
                cdf[j] = new double[f.length];
                double acc = 0;
                for (int b = 0; b < f.length; b++) {
                    acc += f[b];
                    cdf[j][b] = acc;
                }
            }
            for (int i = 0; i < numSamples; i++) {
                double mismatches = 0;
                for (int j = 0; j < d; j++) {
                    if (i == 0) {
                        data.set(0, j, 1.0);
                        inverse.set(0, j, row[j]);
                        continue;
                    }
                    double u = random.nextDouble() * cdf[j][cdf[j].length - 1];
                    int b = 0;
                    while (b < cdf[j].length - 1 && u >= cdf[j][b]) {
                        b++;
                    }
                    boolean same = b == instanceBin[j];
                    data.set(i, j, same ? 1.0 : 0.0);
                    mismatches += same ? 0 : 1;
                    inverse.set(i, j, discretizer.undiscretize(j, b, random));
                }
                distances[i] = Math.sqrt(mismatches);
            }
        } else {
            names.addAll(featureNames);
            for (int i = 0; i < numSamples; i++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double v = i == 0 ? row[j] : random.nextGaussian() * scale[j] + mean[j];
                    inverse.set(i, j, v);
                    double z = (v - mean[j]) / scale[j];
                    data.set(i, j, z);
                    double z0 = (row[j] - mean[j]) / scale[j];
                    dist += (z - z0) * (z - z0);
                }
                distances[i] = Math.sqrt(dist);
            }
        }
        Matrix proba = predictProba.apply(inverse);
        List<String> cn = LimeSupport.classNames(classNames, proba.cols());
        return LimeSupport.explain(ExplanationMethod.LIME_TABULAR, cn, proba, label, data,
                LimeSupport.kernel(distances, kernelWidth), numFeatures, featureSelection, names::get, seed,
                new Instance.Tabular(featureNames, row));
    }

    /** Builder; the training data is required. */
    public static final class Builder {
        private final BuilderSettings settings = new BuilderSettings("LimeTabularExplainer");
        private Matrix training;
        private List<String> featureNames;
        private List<String> classNames;
        private Double kernelWidth;
        private FeatureSelection featureSelection = FeatureSelection.AUTO;
        private boolean discretize = true;
        private Long seed;

        private Builder() {
        }

        /** Training rows: the source of the sampling statistics and quartiles. */
        public Builder trainingData(Matrix training) {
            settings.once("trainingData");
            if (training == null || training.rows() < 2 || training.cols() < 1) {
                throw BadInputException.of("training data needs at least 2 rows and 1 column");
            }
            this.training = training;
            return this;
        }

        /** Class and feature names from a classifier. */
        public Builder model(Classifier c) {
            settings.once("model", c);
            // defaults: names set with featureNames/classNames win whatever the order
            if (!settings.made("classNames")) {
                this.classNames = c.classNames();
            }
            if (!settings.made("featureNames")) {
                this.featureNames = c.featureNames();
            }
            return this;
        }

        public Builder featureNames(List<String> names) {
            this.featureNames = List.copyOf(settings.once("featureNames", names));
            return this;
        }

        public Builder classNames(List<String> names) {
            this.classNames = List.copyOf(settings.once("classNames", names));
            return this;
        }

        /** Kernel width (default 0.75·sqrt(number of features)). */
        public Builder kernelWidth(double width) {
            settings.once("kernelWidth");
            this.kernelWidth = LimeSupport.checkKernelWidth(width);
            return this;
        }

        public Builder featureSelection(FeatureSelection selection) {
            this.featureSelection = settings.once("featureSelection", selection);
            return this;
        }

        /** Quartile discretisation (default true, as lime). */
        public Builder discretize(boolean discretize) {
            settings.once("discretize");
            this.discretize = discretize;
            return this;
        }

        public Builder seed(long seed) {
            settings.once("seed");
            this.seed = seed;
            return this;
        }

        /**
         * Takes the seed from a {@link org.botsec.core.rand.Randomness}: its own seed when replayable, otherwise
         * one draw from it (recorded in the results, so even a secure source's explanation can be replayed).
         */
        public Builder randomness(org.botsec.core.rand.Randomness randomness) {
            settings.once("seed");
            this.seed = Seeds.of(randomness);
            return this;
        }

        public LimeTabularExplainer build() {
            if (training == null) {
                throw new BadInputException("trainingData must be set");
            }
            return new LimeTabularExplainer(this);
        }
    }
}
