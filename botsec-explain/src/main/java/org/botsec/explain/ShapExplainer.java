package org.botsec.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.explain.internal.CoalitionValues;
import org.botsec.explain.internal.KernelShapSampler;
import org.botsec.explain.internal.LinearCoalitionValues;
import org.botsec.explain.internal.LinearSolve;
import org.botsec.explain.internal.Seeds;

/**
 * SHAP values (Lundberg &amp; Lee 2017, "A Unified Approach to Interpreting Model Predictions", NeurIPS) of one
 * class's output with the interventional value function v(S) = link(Σ_b w_b f(x_S, b_rest)) over a
 * {@link Background}. The values satisfy additivity: base + Σφ = link(f(x)), base = link(Σ_b w_b f(b)).
 * <ul>
 *   <li>{@link ShapMethod#KERNEL}: the coalitions of {@code KernelShapSampler} (complete subset sizes
 *       enumerated, the rest sampled in complementary pairs) and a weighted least-squares fit with the
 *       efficiency constraint substituted out (one feature's value is Δ − Σ others). With a budget of at least
 *       2^M − 2 every coalition is enumerated and the result equals the exact Shapley values. As shap, features
 *       whose value equals every background row's get 0 and are left out of the regression. By default no L1
 *       feature selection is done (shap's {@code l1_reg=False}); {@link Builder#l1NumFeatures} gives shap's
 *       {@code l1_reg="num_features(k)"}.</li>
 *   <li>{@link ShapMethod#EXACT}: Shapley's formula over all 2^M coalitions, M ≤ {@link #MAX_EXACT_FEATURES}.</li>
 *   <li>{@link ShapMethod#LINEAR}: for a linear model with margin β·x + b, φ_i = β_i (x_i − E_b[x_i]) on the
 *       margin (interventional, features independent); base = β·E_b[x] + b.</li>
 * </ul>
 * Immutable and thread-safe when the prediction function is; {@link #explainRows} runs rows in parallel with
 * per-row seeds derived from the explainer's seed, so results do not depend on scheduling.
 *
 * <p>Speed: the kernel and exact methods evaluate a black-box model on blocks of synthetic rows (coalitions ×
 * background rows, ~32k values a block, one prediction call per block, buffers reused) spread over all cores, so
 * <b>the prediction function is called from several threads at once, even by {@link #explain}</b>, and must be
 * thread-safe and must not keep its input matrix. For a {@code LinearModel} passed with {@code .linearModel(...)}
 * no synthetic rows are built at all (see {@code LinearCoalitionValues}); the values agree with the black-box
 * path to rounding.
 */
public final class ShapExplainer {
    /** Largest number of features for exact enumeration (2^20 coalitions × background rows model calls). */
    public static final int MAX_EXACT_FEATURES = 20;
    /** Largest Kernel SHAP coalition budget (each coalition costs one model call per background row). */
    public static final int MAX_NSAMPLES = 1_000_000;

    private final ShapMethod method;
    private final Function<Matrix, Matrix> predictProba;
    private final Background background;
    private final int label;
    private final Link link;
    private final int nsamples;
    private final long seed;
    private final List<String> featureNames;
    private final List<String> classNames;
    private final double[][] coef;
    private final double[] intercept;
    private final boolean linearFastPath;
    private final Integer l1NumFeatures;

    private ShapExplainer(Builder b) {
        this.method = b.method;
        this.predictProba = b.predictProba;
        this.background = b.background;
        this.label = b.label;
        this.link = b.link;
        this.nsamples = b.nsamples;
        this.seed = b.seed == null ? Seeds.fresh() : b.seed;
        this.featureNames = b.featureNames;
        this.classNames = b.classNames;
        this.coef = b.coef;
        this.intercept = b.intercept;
        this.linearFastPath = b.linearFastPath;
        this.l1NumFeatures = b.l1NumFeatures;
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

    /** Base value: link(Σ_b w_b f(b)) (margin at the background mean for the linear method). */
    public double baseValue() {
        if (method == ShapMethod.LINEAR) {
            return margin(background.mean());
        }
        double[] fb = classProba(background.data());
        double s = 0;
        for (int i = 0; i < fb.length; i++) {
            s += background.weights()[i] * fb[i];
        }
        return link.apply(s);
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

    private Explanation explain(double[] x, long rowSeed) {
        checkWidth(x.length);
        for (double v : x) {
            if (!Double.isFinite(v)) {
                throw BadInputException.of("row to explain has a non-finite value: %s", v);
            }
        }
        return switch (method) {
            case LINEAR -> linear(x);
            case EXACT -> exact(x);
            case KERNEL -> kernel(x, rowSeed);
        };
    }

    private void checkWidth(int cols) {
        if (cols != background.numFeatures()) {
            throw BadInputException.of("data has %d columns but the background has %d", cols,
                    background.numFeatures());
        }
    }

    private Explanation linear(double[] x) {
        double[] mu = background.mean();
        double[] beta = labelCoef();
        double[] phi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            phi[i] = beta[i] * (x[i] - mu[i]);
        }
        double base = margin(mu);
        double fx = margin(x);
        List<Double> probs = new ArrayList<>();
        for (double p : linearProba(x)) {
            probs.add(p);
        }
        return result(ExplanationMethod.LINEAR_SHAP, x, phi, base, fx, probs, OptionalLong.empty(), 0);
    }

    private double[] labelCoef() {
        if (coef.length == 1 && classNames.size() == 2) {
            double[] b = coef[0].clone();
            if (label == 0) {
                for (int i = 0; i < b.length; i++) {
                    b[i] = -b[i];
                }
            }
            return b;
        }
        return coef[label];
    }

    private double margin(double[] x) {
        double[] beta = labelCoef();
        double b0 = coef.length == 1 && classNames.size() == 2 ? (label == 0 ? -intercept[0] : intercept[0])
                : intercept[label];
        double s = b0;
        for (int i = 0; i < x.length; i++) {
            s += beta[i] * x[i];
        }
        return s;
    }

    private double[] linearProba(double[] x) {
        if (coef.length == 1) {
            double z = intercept[0];
            for (int i = 0; i < x.length; i++) {
                z += coef[0][i] * x[i];
            }
            double p = 1 / (1 + Math.exp(-z));
            return new double[] {1 - p, p};
        }
        double[] z = new double[coef.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < coef.length; k++) {
            z[k] = intercept[k];
            for (int i = 0; i < x.length; i++) {
                z[k] += coef[k][i] * x[i];
            }
            max = Math.max(max, z[k]);
        }
        double s = 0;
        for (int k = 0; k < z.length; k++) {
            z[k] = Math.exp(z[k] - max);
            s += z[k];
        }
        for (int k = 0; k < z.length; k++) {
            z[k] /= s;
        }
        return z;
    }

    /** Features whose value differs from some background row (shap's varying features, np.isclose). */
    private int[] varying(double[] x) {
        Matrix bg = background.data();
        List<Integer> v = new ArrayList<>();
        for (int j = 0; j < x.length; j++) {
            for (int r = 0; r < bg.rows(); r++) {
                double b = bg.get(r, j);
                if (Math.abs(x[j] - b) > 1e-8 + 1e-5 * Math.abs(b)) {
                    v.add(j);
                    break;
                }
            }
        }
        return v.stream().mapToInt(Integer::intValue).toArray();
    }

    private double[] fullProba(double[] x) {
        Matrix p = predictProba.apply(new Matrix(1, x.length, x.clone()));
        return p.row(0);
    }

    private double[] classProba(Matrix rows) {
        Matrix p = predictProba.apply(rows);
        double[] out = new double[rows.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = p.get(i, label);
        }
        return out;
    }

    private Explanation exact(double[] x) {
        int[] cols = varying(x);
        int m = cols.length;
        if (m > MAX_EXACT_FEATURES) {
            throw BadInputException.of("exact Shapley values enumerate 2^M coalitions; %d varying features is "
                    + "above the limit of %d, use --method kernel", m, MAX_EXACT_FEATURES);
        }
        double[] probs = fullProba(x);
        double fxLinked = link.apply(probs[label]);
        double base = baseValue();
        int count = 1 << m;
        byte[] masks = new byte[count * m];
        for (int s = 0; s < count; s++) {
            for (int f = 0; f < m; f++) {
                masks[s * m + f] = (byte) ((s >> f) & 1);
            }
        }
        double[] v = expectedOutputs(x, cols, masks, count);
        for (int s = 0; s < count; s++) {
            v[s] = link.apply(v[s]);
        }
        v[0] = base;
        v[count - 1] = fxLinked;
        // Shapley weights |S|!(M−|S|−1)!/M!, by size.
        double[] w = new double[Math.max(m, 1)];
        for (int s = 0; s < m; s++) {
            w[s] = 1.0 / (m * binomial(m - 1, s));
        }
        double[] phiVarying = new double[m];
        for (int f = 0; f < m; f++) {
            int bit = 1 << f;
            double acc = 0;
            for (int s = 0; s < count; s++) {
                if ((s & bit) == 0) {
                    acc += w[Integer.bitCount(s)] * (v[s | bit] - v[s]);
                }
            }
            phiVarying[f] = acc;
        }
        double[] phi = new double[x.length];
        for (int f = 0; f < m; f++) {
            phi[cols[f]] = phiVarying[f];
        }
        return result(ExplanationMethod.EXACT_SHAP, x, phi, base, fxLinked, boxed(probs), OptionalLong.empty(),
                count);
    }

    private double[] expectedOutputs(double[] x, int[] cols, byte[] masks, int count) {
        if (linearFastPath) {
            return new LinearCoalitionValues(coef, intercept, classNames.size(), label, background.data(),
                    background.weights()).expectedOutputs(x, cols, masks, count);
        }
        return new CoalitionValues(predictProba, label, background.data(), background.weights())
                .expectedOutputs(x, cols, masks, count);
    }

    private Explanation kernel(double[] x, long rowSeed) {
        int[] cols = varying(x);
        int m = cols.length;
        double[] probs = fullProba(x);
        double fxLinked = link.apply(probs[label]);
        double base = baseValue();
        double delta = fxLinked - base;
        double[] phi = new double[x.length];
        if (m == 0) {
            return result(ExplanationMethod.KERNEL_SHAP, x, phi, base, fxLinked, boxed(probs),
                    OptionalLong.of(rowSeed), 0);
        }
        if (m == 1) {
            phi[cols[0]] = delta;
            return result(ExplanationMethod.KERNEL_SHAP, x, phi, base, fxLinked, boxed(probs),
                    OptionalLong.of(rowSeed), 0);
        }
        KernelShapSampler.Coalitions co = KernelShapSampler.build(m, nsamples, new SplittableRandom(rowSeed));
        double[] ey = expectedOutputs(x, cols, co.masks(), co.count());
        int n = co.count();
        byte[] z = co.masks();
        double[] kw = co.weights();
        double[] eyAdj = new double[n];
        for (int i = 0; i < n; i++) {
            eyAdj[i] = link.apply(ey[i]) - base;
        }
        int[] sel = l1NumFeatures == null ? null : l1Select(z, kw, eyAdj, delta, m, n, l1NumFeatures);
        if (sel == null) {
            sel = new int[m];
            for (int f = 0; f < m; f++) {
                sel[f] = f;
            }
        }
        int q = sel.length;
        int p = q - 1;
        int lastF = sel[q - 1];
        // Substitute φ_last = Δ − Σ φ_others: regress eyAdj − z_last·Δ on (z_j − z_last), no intercept.
        // Normal equations from the √w-scaled design through BLAS: A = EᵀE, b = Eᵀy.
        Matrix design = new Matrix(n, Math.max(p, 1));
        Matrix target = new Matrix(n, 1);
        double[] ed = design.data();
        double[] td = target.data();
        for (int i = 0; i < n; i++) {
            int o = i * m;
            int last = z[o + lastF];
            double r = Math.sqrt(kw[i]);
            td[i] = r * (eyAdj[i] - last * delta);
            for (int j = 0; j < p; j++) {
                ed[i * Math.max(p, 1) + j] = r * (z[o + sel[j]] - last);
            }
        }
        double sum = 0;
        if (p > 0) {
            Matrix gram = new Matrix(p, p);
            Matrix.gemm(true, false, 1.0, design, design, 0.0, gram);
            Matrix rhs = new Matrix(p, 1);
            Matrix.gemm(true, false, 1.0, design, target, 0.0, rhs);
            double[] sol = LinearSolve.symmetric(gram.data(), rhs.data(), p);
            for (int j = 0; j < p; j++) {
                phi[cols[sel[j]]] = sol[j];
                sum += sol[j];
            }
        }
        phi[cols[lastF]] = delta - sum;
        return result(ExplanationMethod.KERNEL_SHAP, x, phi, base, fxLinked, boxed(probs),
                OptionalLong.of(rowSeed), n);
    }

    /**
     * shap's {@code l1_reg="num_features(k)"}: the first k features to enter least-angle regression on the
     * augmented problem (each coalition once with weight w·(M−|S|) and target eyAdj, once as z − 1 with weight
     * w·|S| and target eyAdj − Δ), which is how shap keeps the efficiency constraint in the selection.
     */
    private static int[] l1Select(byte[] z, double[] kw, double[] eyAdj, double delta, int m, int n, int k) {
        if (k >= m) {
            return null;
        }
        double[] gram = new double[m * m];
        double[] xty = new double[m];
        double[] row = new double[m];
        for (int i = 0; i < n; i++) {
            int s = 0;
            for (int f = 0; f < m; f++) {
                s += z[i * m + f];
            }
            for (int half = 0; half < 2; half++) {
                double w = half == 0 ? kw[i] * (m - s) : kw[i] * s;
                double y = half == 0 ? eyAdj[i] : eyAdj[i] - delta;
                if (w == 0) {
                    continue;
                }
                for (int f = 0; f < m; f++) {
                    row[f] = z[i * m + f] - half;
                }
                for (int a = 0; a < m; a++) {
                    if (row[a] == 0) {
                        continue;
                    }
                    xty[a] += w * row[a] * y;
                    for (int b = 0; b < m; b++) {
                        gram[a * m + b] += w * row[a] * row[b];
                    }
                }
            }
        }
        return org.botsec.explain.internal.LassoPath.larEntryOrder(gram, xty, m, k);
    }

    private Explanation result(ExplanationMethod m, double[] x, double[] phi, double base, double fx,
            List<Double> probs, OptionalLong usedSeed, int samples) {
        List<FeatureWeight> ws = new ArrayList<>(phi.length);
        double sum = base;
        for (int i = 0; i < phi.length; i++) {
            ws.add(new FeatureWeight(i, featureNames.get(i), phi[i]));
            sum += phi[i];
        }
        return new Explanation(m, classNames, label, probs, ws, base, Double.NaN, sum, fx, usedSeed, samples,
                new Instance.Tabular(featureNames, x));
    }

    private static List<Double> boxed(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double d : v) {
            l.add(d);
        }
        return l;
    }

    private static double binomial(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return r;
    }

    /** Builder: method, model (or linear coefficients), background, label, link, budget, seed. */
    public static final class Builder {
        private ShapMethod method = ShapMethod.KERNEL;
        private Function<Matrix, Matrix> predictProba;
        private Background background;
        private Integer label;
        private Link link = Link.IDENTITY;
        private Integer nsamples;
        private Long seed;
        private List<String> featureNames;
        private List<String> classNames;
        private double[][] coef;
        private double[] intercept;
        private boolean linearFastPath;
        private Integer l1NumFeatures;

        private Builder() {
        }

        public Builder method(ShapMethod method) {
            if (method == null) {
                throw new IllegalArgumentException("method must not be null");
            }
            this.method = method;
            return this;
        }

        /** A black-box classifier: its probabilities, class and feature names. */
        public Builder model(Classifier classifier) {
            this.predictProba = classifier::predictProba;
            if (classNames == null) {
                this.classNames = classifier.classNames();
            }
            if (featureNames == null) {
                this.featureNames = classifier.featureNames();
            }
            return this;
        }

        /** A prediction function returning n×k probabilities. */
        public Builder predictProba(Function<Matrix, Matrix> fn) {
            if (fn == null) {
                throw new IllegalArgumentException("predictProba must not be null");
            }
            this.predictProba = fn;
            return this;
        }

        /**
         * Linear model coefficients (k×d, or 1×d for a binary model as in scikit-learn) and intercepts, for
         * {@link ShapMethod#LINEAR}; also serves as the prediction function for the other methods.
         */
        public Builder linearModel(double[][] coefficients, double[] intercepts) {
            if (coefficients.length == 0 || coefficients.length != intercepts.length) {
                throw new IllegalArgumentException("linear model needs as many intercepts (" + intercepts.length
                        + ") as coefficient rows (" + coefficients.length + ")");
            }
            this.coef = new double[coefficients.length][];
            for (int i = 0; i < coefficients.length; i++) {
                this.coef[i] = coefficients[i].clone();
            }
            this.intercept = intercepts.clone();
            return this;
        }

        /**
         * A core {@link org.botsec.core.model.LinearModel}: its probabilities and names for every method and, for
         * {@link ShapMethod#LINEAR}, its coefficients folded through its standardiser, so that φ are on the raw
         * inputs: β_raw = β / scale, b_raw = b − Σ β·mean / scale.
         */
        public Builder linearModel(org.botsec.core.model.LinearModel m) {
            model(m);
            Matrix w = m.coef();
            double[][] c = new double[w.rows()][w.cols()];
            double[] b = m.intercept().clone();
            org.botsec.core.data.Standardizer sc = m.scaler();
            for (int r = 0; r < w.rows(); r++) {
                for (int j = 0; j < w.cols(); j++) {
                    double scale = sc == null ? 1.0 : sc.scale()[j];
                    double mean = sc == null ? 0.0 : sc.mean()[j];
                    c[r][j] = w.get(r, j) / scale;
                    b[r] -= w.get(r, j) * mean / scale;
                }
            }
            linearModel(c, b);
            // Evaluate the same function through the folded coefficients: a plain loop on raw inputs, without
            // standardising every synthetic row (identical probabilities up to rounding).
            this.predictProba = null;
            return this;
        }

        public Builder background(Background background) {
            this.background = background;
            return this;
        }

        /** The explained class (default: 1 for binary models, else 0). */
        public Builder label(int label) {
            this.label = label;
            return this;
        }

        public Builder link(Link link) {
            if (link == null) {
                throw new IllegalArgumentException("link must not be null");
            }
            this.link = link;
            return this;
        }

        /** Kernel SHAP coalition budget (default 2M + 2048, as shap's "auto"). */
        public Builder nsamples(int nsamples) {
            if (nsamples < 1 || nsamples > MAX_NSAMPLES) {
                throw BadInputException.of("nsamples must be in [1, %d], got %d", MAX_NSAMPLES, nsamples);
            }
            this.nsamples = nsamples;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Takes the seed from a {@link org.botsec.core.rand.Randomness}: its own seed when replayable, otherwise
         * one draw from it (recorded in the results, so even a secure source's explanation can be replayed).
         */
        public Builder randomness(org.botsec.core.rand.Randomness randomness) {
            this.seed = Seeds.of(randomness);
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
            this.l1NumFeatures = k;
            return this;
        }

        public Builder featureNames(List<String> names) {
            this.featureNames = List.copyOf(names);
            return this;
        }

        public Builder classNames(List<String> names) {
            this.classNames = List.copyOf(names);
            return this;
        }

        public ShapExplainer build() {
            if (background == null) {
                throw new IllegalArgumentException("background must be set");
            }
            int d = background.numFeatures();
            if (coef != null) {
                for (double[] row : coef) {
                    if (row.length != d) {
                        throw BadInputException.of("linear model has %d features but the background has %d",
                                row.length, d);
                    }
                }
                if (classNames == null) {
                    classNames = LimeSupport.defaultNames(coef.length == 1 ? 2 : coef.length);
                }
                int k = coef.length == 1 ? 2 : coef.length;
                if (classNames.size() != k) {
                    throw BadInputException.of("linear model with %d coefficient rows has %d classes, not %d",
                            coef.length, k, classNames.size());
                }
                if (predictProba == null) {
                    double[][] c = coef;
                    double[] b0 = intercept;
                    predictProba = xs -> linearPredict(c, b0, xs);
                    linearFastPath = true;
                }
            }
            if (method == ShapMethod.LINEAR && coef == null) {
                throw BadInputException.of("linear SHAP needs a linear model (coefficients and intercept); "
                        + "use the kernel or exact method for other models");
            }
            if (predictProba == null) {
                throw new IllegalArgumentException("a model or prediction function must be set");
            }
            if (featureNames == null) {
                List<String> n = new ArrayList<>();
                for (int i = 0; i < d; i++) {
                    n.add("x" + i);
                }
                featureNames = n;
            }
            if (featureNames.size() != d) {
                throw BadInputException.of("%d feature names for %d background columns", featureNames.size(), d);
            }
            if (classNames == null) {
                int k = predictProba.apply(new Matrix(1, d, background.data().row(0))).cols();
                classNames = LimeSupport.defaultNames(k);
            }
            int k = classNames.size();
            if (label == null) {
                label = k == 2 ? 1 : 0;
            }
            if (label < 0 || label >= k) {
                throw BadInputException.of("label must be in [0, %d), got %d", k, label);
            }
            if (nsamples == null) {
                nsamples = KernelShapSampler.defaultSamples(d);
            }
            return new ShapExplainer(this);
        }

        private static Matrix linearPredict(double[][] c, double[] b0, Matrix xs) {
            int k = c.length == 1 ? 2 : c.length;
            int d = xs.cols();
            Matrix out = new Matrix(xs.rows(), k);
            Matrix z = new Matrix(xs.rows(), c.length);
            double[] xd = xs.data();
            double[] zd = z.data();
            for (int i = 0; i < xs.rows(); i++) {
                int o = i * d;
                for (int r = 0; r < c.length; r++) {
                    double[] cr = c[r];
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        s += cr[j] * xd[o + j];
                    }
                    zd[i * c.length + r] = s;
                }
            }
            for (int i = 0; i < xs.rows(); i++) {
                if (c.length == 1) {
                    double p = 1 / (1 + Math.exp(-(z.get(i, 0) + b0[0])));
                    out.set(i, 0, 1 - p);
                    out.set(i, 1, p);
                } else {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        max = Math.max(max, z.get(i, j) + b0[j]);
                    }
                    double s = 0;
                    for (int j = 0; j < k; j++) {
                        double e = Math.exp(z.get(i, j) + b0[j] - max);
                        out.set(i, j, e);
                        s += e;
                    }
                    for (int j = 0; j < k; j++) {
                        out.set(i, j, out.get(i, j) / s);
                    }
                }
            }
            return out;
        }
    }
}
