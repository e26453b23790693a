package org.botsec.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.model.internal.clip.ClipWeights;
import org.botsec.core.model.internal.simd.ScalarBinary;
import org.botsec.core.model.internal.simd.Simd;
import org.botsec.core.model.internal.simd.VectorBinary;
import org.botsec.core.prov.Provenance;

/**
 * A linear classifier with logistic link, laid out as scikit-learn's {@code LogisticRegression}: a binary model
 * has ONE coefficient row and P(class 1) = σ(x̃·w + b); a model with k &gt; 2 classes has k rows and softmax
 * probabilities. x̃ is the input after an optional standardiser {@code (x − mean) / scale} (for imported
 * scikit-learn pipelines or {@link LogisticRegression.Builder#standardize}).
 *
 * <p>Capabilities: {@link Classifier}, {@link GradientModel} (∂ cross-entropy / ∂ x, through the standardiser),
 * {@link PerExampleGradients} (cross-entropy of each example, no penalty; flat parameters
 * {@code [coef row-major (r × d), intercept (r)]}). Model type {@value #TYPE}.
 *
 * <p>Prediction is thread-safe; {@link #setParameters} mutates the model and must not run concurrently with
 * anything else.
 */
public final class LinearModel implements Classifier, GradientModel, PerExampleGradients, Model {
    /** Model type name in model files. */
    public static final String TYPE = "logistic_regression";

    private final int d;
    private final int r;
    private final double[] coef;
    private final double[] intercept;
    private final List<String> classNames;
    private final List<String> featureNames;
    private final Standardizer scaler;
    private final Provenance provenance;

    private LinearModel(double[] coef, double[] intercept, List<String> classNames, List<String> featureNames,
                        Standardizer scaler, Provenance provenance) {
        this.d = featureNames.size();
        this.r = intercept.length;
        this.coef = coef;
        this.intercept = intercept;
        this.classNames = List.copyOf(classNames);
        this.featureNames = List.copyOf(featureNames);
        this.scaler = scaler;
        this.provenance = provenance;
    }

    /**
     * A model from given weights (e.g. imported from scikit-learn). Every argument is validated; problems are
     * reported as {@link BadInputException} because the weights usually come from a user's file.
     *
     * @param coef         r × d coefficients: r = 1 for two classes (row for class 1), else r = k
     * @param intercept    r intercepts
     * @param classNames   k ≥ 2 distinct class names
     * @param featureNames d feature names
     * @param scalerMean   standardiser means (length d)
     * @param scalerScale  standardiser scales (length d, &gt; 0)
     */
    public static LinearModel of(double[][] coef, double[] intercept, List<String> classNames,
                                 List<String> featureNames, double[] scalerMean, double[] scalerScale) {
        if (scalerMean == null || scalerScale == null) {
            throw new BadInputException("linear model: a scaler needs both mean and scale (use the form without a "
                    + "scaler when there is none)");
        }
        return build(coef, intercept, classNames, featureNames, scalerMean, scalerScale);
    }

    /**
     * A model from given weights without a standardiser in front; see
     * {@link #of(double[][], double[], List, List, double[], double[])}.
     */
    public static LinearModel of(double[][] coef, double[] intercept, List<String> classNames,
                                 List<String> featureNames) {
        return build(coef, intercept, classNames, featureNames, null, null);
    }

    private static LinearModel build(double[][] coef, double[] intercept, List<String> classNames,
                                     List<String> featureNames, double[] scalerMean, double[] scalerScale) {
        if (coef == null || intercept == null || classNames == null || featureNames == null) {
            throw new BadInputException("linear model: coef, intercept, class names and feature names are required");
        }
        int k = classNames.size();
        checkNames(classNames, featureNames);
        int rows = k == 2 ? 1 : k;
        if (coef.length != rows) {
            throw BadInputException.of("linear model: coef must have %d row(s) for %d classes, got %d", rows, k,
                    coef.length);
        }
        int dim = featureNames.size();
        double[] flat = new double[rows * dim];
        for (int c = 0; c < rows; c++) {
            if (coef[c] == null || coef[c].length != dim) {
                throw BadInputException.of("linear model: coef row %d must have %d values (one per feature), got %d",
                        c, dim, coef[c] == null ? 0 : coef[c].length);
            }
            System.arraycopy(coef[c], 0, flat, c * dim, dim);
        }
        if (intercept.length != rows) {
            throw BadInputException.of("linear model: intercept must have %d value(s), got %d", rows,
                    intercept.length);
        }
        checkFinite(flat, "coef");
        checkFinite(intercept, "intercept");
        return new LinearModel(flat, intercept.clone(), classNames, featureNames,
                scaler(scalerMean, scalerScale, dim), null);
    }

    /** An all-zero model (uniform probabilities) to train from scratch, e.g. with DP-SGD. */
    public static LinearModel zeros(List<String> featureNames, List<String> classNames) {
        checkNames(classNames, featureNames);
        int rows = classNames.size() == 2 ? 1 : classNames.size();
        return new LinearModel(new double[rows * featureNames.size()], new double[rows], classNames, featureNames,
                null, null);
    }

    /** Package-private factory for trainers (arrays are taken, not copied). */
    static LinearModel fromFit(double[] coef, double[] intercept, List<String> classNames, List<String> featureNames,
                               Standardizer scaler, Provenance provenance) {
        return new LinearModel(coef, intercept, classNames, featureNames, scaler, provenance);
    }

    /** The same weights with {@code provenance} attached (null: none, as for {@link Mlp#withProvenance}). */
    public LinearModel withProvenance(Provenance p) {
        return new LinearModel(coef.clone(), intercept.clone(), classNames, featureNames, scaler, p);
    }

    /** The same model with the given standardiser in front (empty removes it). */
    public LinearModel withScaler(Optional<Standardizer> scaler) {
        Standardizer s = scaler.orElse(null);
        if (s != null && s.numFeatures() != d) {
            throw new IllegalArgumentException("standardiser has " + s.numFeatures() + " features, model " + d);
        }
        return new LinearModel(coef.clone(), intercept.clone(), classNames, featureNames, s, provenance);
    }

    private static void checkNames(List<String> classNames, List<String> featureNames) {
        if (classNames.size() < 2) {
            throw BadInputException.of("linear model: need at least 2 classes, got %s", classNames);
        }
        if (new java.util.HashSet<>(classNames).size() != classNames.size()) {
            throw BadInputException.of("linear model: class names repeat: %s", classNames);
        }
        if (featureNames.isEmpty()) {
            throw new BadInputException("linear model: need at least one feature");
        }
        for (String s : classNames) {
            if (s == null) {
                throw new BadInputException("linear model: a class name is null");
            }
        }
        for (String s : featureNames) {
            if (s == null) {
                throw new BadInputException("linear model: a feature name is null");
            }
        }
    }

    private static Standardizer scaler(double[] mean, double[] scale, int dim) {
        if (mean == null && scale == null) {
            return null;
        }
        if (mean == null || scale == null) {
            throw new BadInputException("linear model: scaler needs both mean and scale");
        }
        if (mean.length != dim || scale.length != dim) {
            throw BadInputException.of("linear model: scaler mean and scale must have %d values, got %d and %d", dim,
                    mean.length, scale.length);
        }
        for (int j = 0; j < dim; j++) {
            if (!Double.isFinite(mean[j])) {
                throw BadInputException.of("linear model: scaler mean[%d] is not finite: %s", j, mean[j]);
            }
            if (!(scale[j] > 0) || !Double.isFinite(scale[j])) {
                throw BadInputException.of("linear model: scaler scale[%d] must be > 0 and finite, got %s", j,
                        scale[j]);
            }
        }
        return Standardizer.of(mean, scale);
    }

    private static void checkFinite(double[] v, String what) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw BadInputException.of("linear model: %s value %d is not finite: %s", what, i, v[i]);
            }
        }
    }

    // ---- accessors ----------------------------------------------------------------------------------------------

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    @Override
    public int numFeatures() {
        return d;
    }

    /** Number of coefficient rows: 1 for a binary model, k otherwise. */
    public int coefRows() {
        return r;
    }

    /** The coefficients, r × d (a copy). */
    public Matrix coef() {
        return new Matrix(r, d, coef.clone());
    }

    /** The intercepts (a copy). */
    public double[] intercept() {
        return intercept.clone();
    }

    /** The standardiser applied before the linear part, if any. */
    public Optional<Standardizer> scaler() {
        return Optional.ofNullable(scaler);
    }

    /** How the model was made; empty when unknown (imported, built by hand). */
    public Optional<Provenance> provenance() {
        return Optional.ofNullable(provenance);
    }

    // ---- prediction ---------------------------------------------------------------------------------------------

    private Matrix standardized(Matrix x) {
        if (x.cols() != d) {
            throw BadInputException.of("model expects %d features, input has %d", d, x.cols());
        }
        return scaler == null ? x : scaler.transform(x);
    }

    /**
     * Linear scores x̃·Wᵀ + b, n × r. With a standardiser, rows are standardised a block at a time into one small
     * buffer (it stays in L1 cache; no standardised copy of a large input is allocated) and each block's scores
     * come from BLAS right away (dgemm); a binary model (one coefficient row) takes a fused one-pass loop instead,
     * with or without a standardiser (see {@code binaryScores}).
     */
    public Matrix decisionFunction(Matrix x) {
        if (x.cols() != d) {
            throw BadInputException.of("model expects %d features, input has %d", d, x.cols());
        }
        int n = x.rows();
        Matrix z = new Matrix(n, r);
        double[] zd = z.data();
        if (r == 1) {
            binaryScores(x.data(), n, zd, 0, 1);
            return z;
        }
        Matrix w = new Matrix(r, d, coef);
        if (scaler == null || n == 0) {
            Matrix.gemm(false, true, 1.0, x, w, 0.0, z);
        } else {
            double[] xd = x.data();
            int blockRows = Math.min(n, scaler.blockRows());
            Matrix block = new Matrix(blockRows, d);
            Matrix blockScores = new Matrix(blockRows, r);
            for (int start = 0; start < n; start += blockRows) {
                int rows = Math.min(blockRows, n - start);
                scaler.transformBlock(xd, start * d, block.data(), rows);
                Matrix xb = rows == blockRows ? block : new Matrix(rows, d, Arrays.copyOf(block.data(), rows * d));
                Matrix zb = rows == blockRows ? blockScores : new Matrix(rows, r);
                Matrix.gemm(false, true, 1.0, xb, w, 0.0, zb);
                System.arraycopy(zb.data(), 0, zd, start * r, rows * r);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < r; c++) {
                zd[i * r + c] += intercept[c];
            }
        }
        return z;
    }

    /**
     * Scores of a binary model, {@code b + Σ_j (x_j − mean_j) · (coef_j / scale_j)} with a standardiser and
     * {@code b + Σ_j x_j · coef_j} without, in one pass over the input and without a standardised copy, written to
     * {@code z[off + i·stride]}. The mean is still subtracted from each value (no folding of the means into the
     * intercept, which would cancel badly for large means), and the division by the scale is moved into the d
     * coefficients, so each value costs one subtraction and one fused multiply-add. Agrees with
     * standardise-then-dot to a few ulps (the order of the rounding steps differs). The kernel is
     * {@link ScalarBinary} (features summed in order), or {@link VectorBinary} (four features per AVX2 instruction,
     * the same sum in another order) when the JVM runs with {@code --add-modules jdk.incubator.vector}
     * ({@link Simd}). {@link #decisionFunction} and {@link #predictProba} both take their binary scores from the
     * same kernel.
     */
    private void binaryScores(double[] x, int n, double[] z, int off, int stride) {
        checkLength(x, n);
        double[][] mw = binaryWeights();
        if (Simd.AVAILABLE) {
            VectorBinary.scores(x, n, d, mw[0], mw[1], intercept[0], z, off, stride);
        } else {
            ScalarBinary.scores(x, n, d, mw[0], mw[1], intercept[0], z, off, stride);
        }
    }

    private void checkLength(double[] x, int n) {
        if (x.length < (long) n * d) {
            throw new IllegalArgumentException("input has " + x.length + " values, expected " + n * d);
        }
    }

    /** {means (zeros without a standardiser), coef / scale}, fresh arrays for one call. */
    private double[][] binaryWeights() {
        if (scaler == null) {
            return new double[][] {new double[d], coef};
        }
        double[] ws = scaler.scale();
        for (int j = 0; j < d; j++) {
            ws[j] = coef[j] / ws[j];
        }
        return new double[][] {scaler.mean(), ws};
    }

    /**
     * {@inheritDoc}
     *
     * <p>A binary model writes each score straight into the P(class 1) column of the n × 2 result and turns the
     * pairs into probabilities in place while they are still in cache ({@link Softmax#binaryInPlace}): no n × 1
     * score matrix, no second result; the same bits as {@code Softmax.probabilities(decisionFunction(x), 2)}. With
     * the Vector API kernel ({@link Simd}) the exponentials are taken four rows at a time by the JDK's vector math
     * library instead of {@code Math.exp}: the same formula, within an ulp or two of the composed result.
     */
    @Override
    public Matrix predictProba(Matrix x) {
        if (r != 1) {
            return Softmax.probabilities(decisionFunction(x), classNames.size());
        }
        if (x.cols() != d) {
            throw BadInputException.of("model expects %d features, input has %d", d, x.cols());
        }
        int n = x.rows();
        Matrix p = new Matrix(n, 2);
        double[] pd = p.data();
        if (Simd.AVAILABLE) {
            checkLength(x.data(), n);
            double[][] mw = binaryWeights();
            VectorBinary.probabilities(x.data(), n, d, mw[0], mw[1], intercept[0], pd);
            return p;
        }
        binaryScores(x.data(), n, pd, 1, 2);
        Softmax.binaryInPlace(pd, n);
        return p;
    }

    /**
     * ∂ loss_i / ∂ z_i for each row (n × r), where loss_i is the cross-entropy and z_i the scores: σ(z) − y for a
     * binary model, softmax(z) − onehot(y) otherwise.
     */
    private double[] scoreGradients(Matrix xs, int[] labels) {
        int n = xs.rows();
        if (labels.length != n) {
            throw new IllegalArgumentException("labels (" + labels.length + ") and rows (" + n + ") differ");
        }
        int k = classNames.size();
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is not in [0, " + k
                        + ")");
            }
        }
        Matrix z = new Matrix(n, r);
        Matrix.gemm(false, true, 1.0, xs, new Matrix(r, d, coef), 0.0, z);
        double[] g = z.data();
        if (r == 1) {
            for (int i = 0; i < n; i++) {
                g[i] = Softmax.sigmoid(g[i] + intercept[0]) - labels[i];
            }
            return g;
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < r; c++) {
                g[i * r + c] += intercept[c];
            }
            Softmax.softmax(g, i * r, r, g, i * r);
            g[i * r + labels[i]] -= 1.0;
        }
        return g;
    }

    @Override
    public Matrix lossInputGradient(Matrix x, int[] labels) {
        Matrix xs = standardized(x);
        int n = x.rows();
        Matrix gz = new Matrix(n, r, scoreGradients(xs, labels));
        // ∂loss/∂x̃ = g · W, then the chain rule through x̃ = (x − mean) / scale.
        Matrix gx = new Matrix(n, d);
        Matrix.gemm(false, false, 1.0, gz, new Matrix(r, d, coef), 0.0, gx);
        if (scaler != null) {
            double[] scale = scaler.scale();
            double[] a = gx.data();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    a[i * d + j] /= scale[j];
                }
            }
        }
        return gx;
    }

    // ---- per-example gradients ----------------------------------------------------------------------------------

    @Override
    public int numParameters() {
        return r * d + r;
    }

    @Override
    public void getParameters(double[] out) {
        if (out.length != numParameters()) {
            throw new IllegalArgumentException("expected " + numParameters() + " parameters, got " + out.length);
        }
        System.arraycopy(coef, 0, out, 0, r * d);
        System.arraycopy(intercept, 0, out, r * d, r);
    }

    @Override
    public void setParameters(double[] in) {
        if (in.length != numParameters()) {
            throw new IllegalArgumentException("expected " + numParameters() + " parameters, got " + in.length);
        }
        System.arraycopy(in, 0, coef, 0, r * d);
        System.arraycopy(in, r * d, intercept, 0, r);
    }

    /**
     * The gradient of group q's summed loss is {@code [Σ_i g_i ⊗ x̃_i, Σ_i g_i]} (g_i the score gradients). Its
     * squared norm is computed whichever way is cheaper for the group's size m: by the identity
     * {@code Σ_{i,j} (g_i·g_j)(x̃_i·x̃_j + 1)} in O(m²(r + d)) — for a single example just
     * {@code ‖g_i‖²(‖x̃_i‖² + 1)}, the "ghost norm" of Goodfellow (2015) / Li et al. (2022) — or by accumulating
     * the group's gradient in one reusable r × d buffer in O(m r d). Memory does not grow with the batch.
     */
    @Override
    public double[] groupGradientSquaredNorms(Matrix x, int[] labels, int[] groups, int numGroups) {
        Matrix xs = standardized(x);
        int n = x.rows();
        if (groups.length != n) {
            throw new IllegalArgumentException("groups (" + groups.length + ") and rows (" + n + ") differ");
        }
        return groupNorms(xs, scoreGradients(xs, labels), groups, numGroups);
    }

    /** The squared norms of {@link #groupGradientSquaredNorms}, from standardised inputs and score gradients. */
    private double[] groupNorms(Matrix xs, double[] g, int[] groups, int numGroups) {
        int n = xs.rows();
        // Counting sort of rows by group.
        int[] start = new int[numGroups + 1];
        for (int i = 0; i < n; i++) {
            if (groups[i] < 0 || groups[i] >= numGroups) {
                throw new IllegalArgumentException("group " + groups[i] + " at row " + i + " is not in [0, "
                        + numGroups + ")");
            }
            start[groups[i] + 1]++;
        }
        for (int q = 0; q < numGroups; q++) {
            start[q + 1] += start[q];
        }
        int[] order = new int[n];
        int[] fill = Arrays.copyOf(start, numGroups);
        for (int i = 0; i < n; i++) {
            order[fill[groups[i]]++] = i;
        }
        double[] a = xs.data();
        double[] w = null;
        double[] b = new double[r];
        double[] norms = new double[numGroups];
        for (int q = 0; q < numGroups; q++) {
            int m = start[q + 1] - start[q];
            if (m == 0) {
                continue;
            }
            if ((long) m * (r + d) <= (long) r * d || m == 1) {
                double s = 0;
                for (int u = start[q]; u < start[q + 1]; u++) {
                    int i = order[u];
                    for (int v = u; v < start[q + 1]; v++) {
                        int j = order[v];
                        double gg = 0;
                        for (int c = 0; c < r; c++) {
                            gg += g[i * r + c] * g[j * r + c];
                        }
                        double xx = 1.0;
                        for (int t = 0; t < d; t++) {
                            xx += a[i * d + t] * a[j * d + t];
                        }
                        s += (u == v ? 1.0 : 2.0) * gg * xx;
                    }
                }
                norms[q] = s;
                continue;
            }
            if (w == null) {
                w = new double[r * d];
            }
            Arrays.fill(w, 0.0);
            Arrays.fill(b, 0.0);
            for (int t = start[q]; t < start[q + 1]; t++) {
                int i = order[t];
                for (int c = 0; c < r; c++) {
                    double gi = g[i * r + c];
                    b[c] += gi;
                    int off = c * d;
                    int xo = i * d;
                    for (int j = 0; j < d; j++) {
                        w[off + j] += gi * a[xo + j];
                    }
                }
            }
            double s = 0;
            for (double v : w) {
                s += v * v;
            }
            for (double v : b) {
                s += v * v;
            }
            norms[q] = s;
        }
        return norms;
    }

    @Override
    public void weightedGradientSum(Matrix x, int[] labels, double[] weights, double[] out) {
        Matrix xs = standardized(x);
        int n = x.rows();
        if (weights.length != n) {
            throw new IllegalArgumentException("weights (" + weights.length + ") and rows (" + n + ") differ");
        }
        if (out.length != numParameters()) {
            throw new IllegalArgumentException("expected " + numParameters() + " outputs, got " + out.length);
        }
        weightedSum(xs, scoreGradients(xs, labels), weights, out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Standardises the inputs and computes the score gradients once for both the norms and the weighted sum.
     */
    @Override
    public double[] clippedGradientSum(Matrix x, int[] labels, int[] groups, int numGroups, double l2NormClip,
                                       double[] out) {
        Matrix xs = standardized(x);
        ClipWeights.check(x.rows(), groups, numGroups, l2NormClip);
        if (out.length != numParameters()) {
            throw new IllegalArgumentException("expected " + numParameters() + " outputs, got " + out.length);
        }
        double[] g = scoreGradients(xs, labels);
        double[] norms = groupNorms(xs, g, groups, numGroups);
        weightedSum(xs, g, ClipWeights.rowWeights(norms, groups, numGroups, l2NormClip), out);
        return norms;
    }

    /** Σ_i weights[i] · ∇loss_i from standardised inputs and score gradients g (scaled in place). */
    private void weightedSum(Matrix xs, double[] g, double[] weights, double[] out) {
        int n = xs.rows();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < r; c++) {
                g[i * r + c] *= weights[i];
            }
        }
        Matrix gw = new Matrix(r, d);
        Matrix.gemm(true, false, 1.0, new Matrix(n, r, g), xs, 0.0, gw);
        System.arraycopy(gw.data(), 0, out, 0, r * d);
        for (int c = 0; c < r; c++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += g[i * r + c];
            }
            out[r * d + c] = s;
        }
    }

    @Override
    public String toString() {
        return "LinearModel[" + classNames.size() + " classes, " + d + " features" + (scaler == null ? "" : ", scaled")
                + "]";
    }
}
