package org.botsec.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.explain.internal.BuilderSettings;
import org.botsec.explain.internal.CoalitionValueFunction;
import org.botsec.explain.internal.CoalitionValues;
import org.botsec.explain.internal.ExactShap;
import org.botsec.explain.internal.KernelShap;
import org.botsec.explain.internal.KernelShapSampler;
import org.botsec.explain.internal.LinearCoalitionValues;
import org.botsec.explain.internal.LinearShap;
import org.botsec.explain.internal.Seeds;
import org.botsec.explain.internal.ShapValues;

/**
 * SHAP values (Lundberg &amp; Lee 2017, "A Unified Approach to Interpreting Model Predictions", NeurIPS) of one
 * class's output with the interventional value function v(S) = link(Σ_b w_b f(x_S, b_rest)) over a
 * {@link Background}. The values satisfy additivity: base + Σφ = link(f(x)), base = link(Σ_b w_b f(b)).
 * <ul>
 *   <li>{@link ShapMethod#KERNEL}: Kernel SHAP as shap's {@code KernelExplainer} (complete subset sizes
 *       enumerated, the rest sampled in complementary pairs, weighted least squares with the efficiency constraint
 *       substituted out). A budget of at least 2^M − 2 enumerates every coalition and gives the exact values.
 *       Features equal to every background row's get 0. No L1 selection by default (shap's {@code l1_reg=False});
 *       {@link Builder#l1NumFeatures} gives shap's {@code l1_reg="num_features(k)"}.</li>
 *   <li>{@link ShapMethod#EXACT}: Shapley's formula over all 2^M coalitions, M ≤ {@link #MAX_EXACT_FEATURES}.</li>
 *   <li>{@link ShapMethod#LINEAR}: for a {@link LinearModel}, φ_i = β_i (x_i − E_b[x_i]) on the model's margin
 *       (features independent); base = the margin at the background mean.</li>
 * </ul>
 * How v(S) is evaluated depends on what the model can do: a {@link LinearModel} (given to {@link Builder#model} or
 * {@link Builder#linearModel}) is asked for its scores and no synthetic rows are built; any other {@link Classifier}
 * or prediction function sees blocks of synthetic rows (coalitions × background rows, one call per block, spread
 * over all cores). Both give the same values to rounding.
 *
 * <p>Immutable. <b>The prediction function is called from several threads at once, even by {@link #explain}</b>:
 * it must be thread-safe, and must neither keep nor modify its input matrix. {@link #explainRows} runs rows in
 * parallel with per-row seeds derived from the explainer's seed, so results do not depend on scheduling.
 */
public final class ShapExplainer {
    /** Largest number of features for exact enumeration (2^20 coalitions × background rows model calls). */
    public static final int MAX_EXACT_FEATURES = 20;
    /** Largest Kernel SHAP coalition budget ({@link SampleLimits#MAX_SAMPLES}; lower for wide models, see there). */
    public static final int MAX_NSAMPLES = SampleLimits.MAX_SAMPLES;

    private final ShapMethod method;
    private final CoalitionValueFunction values;
    private final LinearModel linearModel;
    private final Matrix background;
    private final double[] backgroundMean;
    private final int label;
    private final Link link;
    private final int nsamples;
    private final long seed;
    private final OptionalInt l1NumFeatures;
    private final List<String> featureNames;
    private final List<String> classNames;
    private final double baseValue;

    private ShapExplainer(ShapMethod method, CoalitionValueFunction values, LinearModel linearModel,
            Background background, int label, Link link, int nsamples, long seed, OptionalInt l1NumFeatures,
            List<String> featureNames, List<String> classNames) {
        this.method = method;
        this.values = values;
        this.linearModel = linearModel;
        this.background = background.data();
        this.backgroundMean = background.mean();
        this.label = label;
        this.link = link;
        this.nsamples = nsamples;
        this.seed = seed;
        this.l1NumFeatures = l1NumFeatures;
        this.featureNames = featureNames;
        this.classNames = classNames;
        this.baseValue = method == ShapMethod.LINEAR
                ? LinearShap.explain(linearModel, backgroundMean, label, backgroundMean).base()
                : link.apply(values.backgroundOutput());
    }

    public static Builder builder() {
        return new Builder();
    }

    public ShapMethod method() {
        return method;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** The explained class index. */
    public int label() {
        return label;
    }

    /** The explainer's seed (rows of {@link #explainRows} use seeds derived from it). */
    public long seed() {
        return seed;
    }

    /** Base value: link(Σ_b w_b f(b)) (the margin at the background mean for the linear method). */
    public double baseValue() {
        return baseValue;
    }

    /** Explains one row; the seed used is the explainer's own (rows of a batch use derived seeds). */
    public Explanation explain(double[] x) {
        return explain(x, seed);
    }

    /** Explains every row of {@code x} in parallel; row i uses seed {@code Seeds.forRow(seed, i)}. */
    public List<Explanation> explainRows(Matrix x) {
        checkWidth(x.cols());
        Explanation[] out = new Explanation[x.rows()];
        IntStream.range(0, x.rows()).parallel()
                .forEach(i -> out[i] = explain(x.row(i), Seeds.forRow(seed, i)));
        return List.of(out);
    }

    /**
     * Explains {@code x} as row {@code row} of a batch: the seed is {@code Seeds.forRow(seed, row)}, so the result
     * equals element {@code row} of {@link #explainRows} on a matrix holding {@code x} at that position. This is
     * how distributed batches (botsec-spark) reproduce the in-process result row by row.
     */
    public Explanation explainRow(double[] x, long row) {
        if (row < 0) {
            throw BadInputException.of("row index must be >= 0, got %d", row);
        }
        return explain(x, Seeds.forRow(seed, row));
    }

    private Explanation explain(double[] x, long rowSeed) {
        checkWidth(x.length);
        for (double v : x) {
            if (!Double.isFinite(v)) {
                throw BadInputException.of("row to explain has a non-finite value: %s", v);
            }
        }
        return switch (method) {
            case LINEAR -> result(ExplanationMethod.LINEAR_SHAP, x,
                    LinearShap.explain(linearModel, backgroundMean, label, x), OptionalLong.empty());
            case EXACT -> result(ExplanationMethod.EXACT_SHAP, x,
                    ExactShap.explain(values, background, label, link, x, MAX_EXACT_FEATURES), OptionalLong.empty());
            case KERNEL -> result(ExplanationMethod.KERNEL_SHAP, x,
                    KernelShap.explain(values, background, label, link, x, nsamples, l1NumFeatures, rowSeed),
                    OptionalLong.of(rowSeed));
        };
    }

    private void checkWidth(int cols) {
        if (cols != background.cols()) {
            throw BadInputException.of("data has %d columns but the background has %d", cols, background.cols());
        }
    }

    private Explanation result(ExplanationMethod m, double[] x, ShapValues v, OptionalLong usedSeed) {
        double[] phi = v.phi();
        List<FeatureWeight> ws = new ArrayList<>(phi.length);
        double sum = v.base();
        for (int i = 0; i < phi.length; i++) {
            ws.add(new FeatureWeight(i, featureNames.get(i), phi[i]));
            sum += phi[i];
        }
        List<Double> probs = new ArrayList<>();
        for (double p : v.probabilities()) {
            probs.add(p);
        }
        return new Explanation(m, classNames, label, probs, ws, v.base(), Double.NaN, sum, v.output(), usedSeed,
                v.numCoalitions(), new Instance.Tabular(featureNames, x));
    }

    /**
     * Builder: method, model, background, label, link, budget, seed. Each setting may be made once; the model is
     * ONE of {@link #model}, {@link #linearModel} or {@link #predictProba}. Bad arguments are
     * {@link BadInputException}s naming the setting.
     */
    public static final class Builder {
        private final BuilderSettings settings = new BuilderSettings("ShapExplainer");
        private ShapMethod method = ShapMethod.KERNEL;
        private Function<Matrix, Matrix> predictProba;
        private Classifier classifier;
        private LinearModel linearModel;
        private double[][] coef;
        private double[] intercept;
        private Background background;
        private OptionalInt label = OptionalInt.empty();
        private Link link = Link.IDENTITY;
        private OptionalInt nsamples = OptionalInt.empty();
        private OptionalLong seed = OptionalLong.empty();
        private OptionalInt l1NumFeatures = OptionalInt.empty();
        private List<String> featureNames;
        private List<String> classNames;

        private Builder() {
        }

        public Builder method(ShapMethod method) {
            this.method = settings.once("method", method);
            return this;
        }

        /**
         * The model, with its class and feature names. A {@link LinearModel} is explained through its scores (as
         * {@link #linearModel(LinearModel)}); any other classifier through its probabilities of synthetic rows.
         */
        public Builder model(Classifier classifier) {
            settings.once("model", classifier);
            if (classifier instanceof LinearModel lm) {
                this.linearModel = lm;
            } else {
                this.classifier = classifier;
            }
            return this;
        }

        /** A prediction function returning n×k probabilities (class names from {@link #classNames}). */
        public Builder predictProba(Function<Matrix, Matrix> fn) {
            this.predictProba = settings.once("model", fn);
            return this;
        }

        /**
         * A linear model given by its coefficients (k×d, or 1×d for a binary model as in scikit-learn) and
         * intercepts, on raw inputs; it becomes a {@link LinearModel} with the names of {@link #classNames} and
         * {@link #featureNames} (default "0", "1", ... and x0, x1, ...).
         */
        public Builder linearModel(double[][] coefficients, double[] intercepts) {
            settings.once("model", coefficients);
            if (intercepts == null || coefficients.length == 0 || coefficients.length != intercepts.length) {
                throw BadInputException.of("ShapExplainer: a linear model needs as many intercepts (%d) as "
                        + "coefficient rows (%d), at least one", intercepts == null ? 0 : intercepts.length,
                        coefficients.length);
            }
            this.coef = new double[coefficients.length][];
            for (int i = 0; i < coefficients.length; i++) {
                if (coefficients[i] == null) {
                    throw BadInputException.of("ShapExplainer: coefficient row %d is null", i);
                }
                this.coef[i] = coefficients[i].clone();
            }
            this.intercept = intercepts.clone();
            return this;
        }

        /** A core {@link LinearModel} (the same as {@link #model} with it). */
        public Builder linearModel(LinearModel model) {
            return model(model);
        }

        public Builder background(Background background) {
            this.background = settings.once("background", background);
            return this;
        }

        /** The explained class (default: 1 for binary models, else 0). */
        public Builder label(int label) {
            settings.once("label");
            this.label = OptionalInt.of(label);
            return this;
        }

        public Builder link(Link link) {
            this.link = settings.once("link", link);
            return this;
        }

        /** Kernel SHAP coalition budget (default 2M + 2048, as shap's "auto"). */
        public Builder nsamples(int nsamples) {
            SampleLimits.check("nsamples (--nsamples)", nsamples, 1, "features");
            settings.once("nsamples");
            this.nsamples = OptionalInt.of(nsamples);
            return this;
        }

        /** Seed for the Kernel SHAP coalitions; without one a fresh seed is drawn (and recorded in results). */
        public Builder seed(long seed) {
            settings.once("seed");
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /**
         * Takes the seed from a {@link org.botsec.core.rand.Randomness}: its own seed when replayable, otherwise
         * one draw from it (recorded in the results, so even a secure source's explanation can be replayed).
         */
        public Builder randomness(org.botsec.core.rand.Randomness randomness) {
            settings.once("seed", randomness);
            this.seed = OptionalLong.of(Seeds.of(randomness));
            return this;
        }

        /**
         * Kernel SHAP keeps only the first {@code k} features chosen by least-angle regression and gives the others
         * 0 (shap's {@code l1_reg="num_features(k)"}); by default every feature is kept (shap's
         * {@code l1_reg=False}).
         */
        public Builder l1NumFeatures(int k) {
            if (k < 1) {
                throw BadInputException.of("l1NumFeatures must be > 0, got %d", k);
            }
            settings.once("l1NumFeatures");
            this.l1NumFeatures = OptionalInt.of(k);
            return this;
        }

        /** Feature names for the explanations (default: the model's, else x0, x1, ...). */
        public Builder featureNames(List<String> names) {
            this.featureNames = List.copyOf(settings.once("featureNames", names));
            return this;
        }

        /** Class names (default: the model's, else "0", "1", ...). */
        public Builder classNames(List<String> names) {
            this.classNames = List.copyOf(settings.once("classNames", names));
            return this;
        }

        public ShapExplainer build() {
            if (background == null) {
                throw new BadInputException("ShapExplainer: background must be set");
            }
            if (!settings.made("model")) {
                throw new BadInputException("ShapExplainer: a model, linear model or prediction function must be set");
            }
            int d = background.numFeatures();
            List<String> modelClasses = linearModel != null ? linearModel.classNames()
                    : classifier != null ? classifier.classNames() : null;
            List<String> modelFeatures = linearModel != null ? linearModel.featureNames()
                    : classifier != null ? classifier.featureNames() : null;
            List<String> features = featureNames != null ? featureNames
                    : modelFeatures != null ? modelFeatures : LimeSupport.defaultFeatureNames(d);
            if (features.size() != d) {
                throw BadInputException.of("%d feature names for %d background columns", features.size(), d);
            }
            if (coef != null) {
                for (double[] row : coef) {
                    if (row.length != d) {
                        throw BadInputException.of("linear model has %d features but the background has %d",
                                row.length, d);
                    }
                }
                List<String> classes = classNames != null ? classNames
                        : LimeSupport.defaultNames(coef.length == 1 ? 2 : coef.length);
                linearModel = LinearModel.of(coef, intercept, classes, features);
                modelClasses = classes;
            }
            if (linearModel != null && linearModel.numFeatures() != d) {
                throw BadInputException.of("linear model has %d features but the background has %d",
                        linearModel.numFeatures(), d);
            }
            if (classifier != null && classifier.numFeatures() != d) {
                throw BadInputException.of("model has %d features but the background has %d",
                        classifier.numFeatures(), d);
            }
            if (method == ShapMethod.LINEAR && linearModel == null) {
                throw BadInputException.of("linear SHAP needs a linear model (coefficients and intercept); "
                        + "use the kernel or exact method for other models");
            }
            Function<Matrix, Matrix> fn = classifier != null ? classifier::predictProba : predictProba;
            List<String> classes = classNames != null ? classNames : modelClasses;
            if (classes == null) {
                int k = fn.apply(new Matrix(1, d, background.data().row(0))).cols();
                classes = LimeSupport.defaultNames(k);
            }
            int k = linearModel != null ? linearModel.numClasses() : classes.size();
            if (classes.size() != k) {
                throw BadInputException.of("the model has %d classes but %d class names were given", k,
                        classes.size());
            }
            int l = label.orElse(k == 2 ? 1 : 0);
            if (l < 0 || l >= k) {
                throw BadInputException.of("label must be in [0, %d), got %d", k, l);
            }
            if (nsamples.isPresent()) {
                SampleLimits.check("nsamples (--nsamples)", nsamples.getAsInt(), d, "features");
            }
            Matrix bg = background.data();
            double[] weights = background.weights();
            CoalitionValueFunction values = linearModel != null
                    ? new LinearCoalitionValues(linearModel, l, bg, weights)
                    : new CoalitionValues(fn, l, bg, weights);
            return new ShapExplainer(method, values, linearModel, background, l, link,
                    nsamples.orElse(KernelShapSampler.defaultSamples(d)), seed.orElseGet(Seeds::fresh),
                    l1NumFeatures, features, classes);
        }
    }
}
