package org.botsec.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.model.internal.clip.ClipWeights;
import org.botsec.core.model.internal.mlp.GhostNorms;
import org.botsec.core.model.internal.mlp.GroupIndex;
import org.botsec.core.model.internal.mlp.Workspace;
import org.botsec.core.model.internal.mlp.WorkspaceCache;
import org.botsec.core.prov.Provenance;
import org.botsec.core.rand.Randomness;

/**
 * A multi-layer perceptron classifier: dense layers with ReLU between them, a softmax output and the
 * cross-entropy loss. Layer {@code l} computes {@code z = a·Wᵀ + b} with {@code W} of shape out × in (as in
 * PyTorch's {@code nn.Linear}), so the saved tensors {@code layers.0.weight}, {@code layers.0.bias}, … load into
 * an equivalent PyTorch model.
 *
 * <p>Weights start from He initialisation, N(0, 2/fan_in), biases at zero (He, Zhang, Ren, Sun 2015, "Delving
 * deep into rectifiers", ICCV). All matrix products go through {@link Matrix#gemm} (BLAS); forward and backward
 * passes reuse per-batch-size buffers, so training allocates nothing per example.
 *
 * <p>Per-group gradient norms for DP-SGD use ghost norms from the batch's activations and back-propagated
 * signals, never one gradient per example (see {@link #groupGradientSquaredNorms}).
 *
 * <p>The flat parameter vector ({@link PerExampleGradients}) holds, layer by layer, the weight matrix row-major
 * then the bias — the order of PyTorch's {@code parameters()}.
 *
 * <p>Thread-safety: {@link #predictProba} and {@link #lossInputGradient} may be called concurrently while the
 * parameters do not change; the gradient methods and {@link #setParameters} use shared buffers and must not be
 * called concurrently with anything else.
 */
public final class Mlp implements Classifier, GradientModel, PerExampleGradients, Model {
    /** The type name written in model files. */
    public static final String TYPE = "mlp";
    /** The hidden activation (the only one supported). */
    public static final String ACTIVATION = "relu";

    private final int[] layerSizes;
    private final List<String> featureNames;
    private final List<String> classNames;
    private final Matrix[] weights;
    private final double[][] biases;
    private final Provenance provenance;
    /** Applied to every input before the first layer, or null. */
    private final Standardizer scaler;
    private final int numParameters;
    private final WorkspaceCache workspaces;
    private final GhostNorms ghostNorms = new GhostNorms();
    private final Matrix[] weightGradients;
    private final double[][] biasGradients;

    private Mlp(int[] layerSizes, List<String> featureNames, List<String> classNames, Matrix[] weights,
                double[][] biases, Provenance provenance, Standardizer scaler) {
        this.layerSizes = layerSizes.clone();
        this.featureNames = List.copyOf(featureNames);
        this.classNames = List.copyOf(classNames);
        this.weights = weights;
        this.biases = biases;
        this.provenance = provenance;
        if (scaler != null && scaler.numFeatures() != layerSizes[0]) {
            throw new IllegalArgumentException("standardiser has " + scaler.numFeatures() + " features, the model "
                    + layerSizes[0]);
        }
        this.scaler = scaler;
        long count = 0;
        weightGradients = new Matrix[weights.length];
        biasGradients = new double[weights.length][];
        for (int l = 0; l < weights.length; l++) {
            count += (long) layerSizes[l + 1] * layerSizes[l] + layerSizes[l + 1];
            weightGradients[l] = new Matrix(layerSizes[l + 1], layerSizes[l]);
            biasGradients[l] = new double[layerSizes[l + 1]];
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many parameters for one array: " + count);
        }
        this.numParameters = (int) count;
        this.workspaces = new WorkspaceCache(layerSizes);
    }

    /**
     * A new MLP with He-initialised weights.
     *
     * @param layerSizes   input width, hidden widths..., number of classes (at least 2 entries, all ≥ 1, last ≥ 2)
     * @param featureNames one name per input feature
     * @param classNames   one name per class, in output order
     * @param init         source of the initial weights (record its seed for replayable training)
     */
    public static Mlp create(int[] layerSizes, List<String> featureNames, List<String> classNames, Randomness init) {
        validateShape(layerSizes, featureNames, classNames);
        if (init == null) {
            throw new IllegalArgumentException("init randomness must not be null");
        }
        int numLayers = layerSizes.length - 1;
        Matrix[] w = new Matrix[numLayers];
        double[][] b = new double[numLayers][];
        for (int l = 0; l < numLayers; l++) {
            int in = layerSizes[l];
            int out = layerSizes[l + 1];
            w[l] = new Matrix(out, in);
            double std = Math.sqrt(2.0 / in);
            double[] d = w[l].data();
            for (int k = 0; k < d.length; k++) {
                d[k] = std * init.generator().nextGaussian();
            }
            b[l] = new double[out];
        }
        return new Mlp(layerSizes, featureNames, classNames, w, b, null, null);
    }

    /**
     * An MLP with given parameters, e.g. read from a model file: the flat vector in the layout of
     * {@link #getParameters} (layer by layer, the weight matrix row-major then the bias). Arrays are copied.
     *
     * @throws BadInputException when a shape, a name list or a value does not fit
     */
    public static Mlp of(int[] layerSizes, List<String> featureNames, List<String> classNames, double[] parameters,
                         Optional<Standardizer> scaler, Optional<Provenance> provenance) {
        try {
            validateShape(layerSizes, featureNames, classNames);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("mlp: " + e.getMessage());
        }
        if (scaler.isPresent() && scaler.get().numFeatures() != layerSizes[0]) {
            throw BadInputException.of("mlp: standardiser has %d features, the model %d",
                    scaler.get().numFeatures(), layerSizes[0]);
        }
        int numLayers = layerSizes.length - 1;
        Matrix[] w = new Matrix[numLayers];
        double[][] b = new double[numLayers][];
        for (int l = 0; l < numLayers; l++) {
            w[l] = new Matrix(layerSizes[l + 1], layerSizes[l]);
            b[l] = new double[layerSizes[l + 1]];
        }
        Mlp m = new Mlp(layerSizes, featureNames, classNames, w, b, provenance.orElse(null), scaler.orElse(null));
        if (parameters == null || parameters.length != m.numParameters()) {
            throw BadInputException.of("mlp %s needs %d parameters, got %s", Arrays.toString(layerSizes),
                    m.numParameters(), parameters == null ? "none" : parameters.length);
        }
        for (int k = 0; k < parameters.length; k++) {
            if (!Double.isFinite(parameters[k])) {
                throw BadInputException.of("mlp parameter %d is not finite: %s", k, parameters[k]);
            }
        }
        m.setParameters(parameters);
        return m;
    }

    private static void validateShape(int[] layerSizes, List<String> featureNames, List<String> classNames) {
        if (layerSizes == null || layerSizes.length < 2) {
            throw new IllegalArgumentException("layerSizes needs at least an input and an output size, got "
                    + Arrays.toString(layerSizes));
        }
        for (int s : layerSizes) {
            if (s < 1) {
                throw new IllegalArgumentException("layer sizes must be >= 1, got " + Arrays.toString(layerSizes));
            }
        }
        int k = layerSizes[layerSizes.length - 1];
        if (k < 2) {
            throw new IllegalArgumentException("the output layer needs >= 2 classes, got " + k);
        }
        if (featureNames == null || featureNames.size() != layerSizes[0]) {
            throw new IllegalArgumentException("featureNames must have " + layerSizes[0] + " names (the input size), got "
                    + (featureNames == null ? "null" : featureNames.size()));
        }
        if (classNames == null || classNames.size() != k) {
            throw new IllegalArgumentException("classNames must have " + k + " names (the output size), got "
                    + (classNames == null ? "null" : classNames.size()));
        }
    }

    /** A copy of this model (same parameters) that carries {@code provenance}. */
    public Mlp withProvenance(Provenance provenance) {
        return copy(provenance, scaler);
    }

    /**
     * A copy of this model (same parameters) whose inputs pass through {@code scaler} before the first layer, as
     * {@link LinearModel#withScaler}; {@link Optional#empty()} removes it. Every method then takes raw inputs:
     * predictions, losses, parameter gradients (on the standardised inputs) and input gradients (through the
     * standardiser, by the chain rule).
     */
    public Mlp withScaler(Optional<Standardizer> scaler) {
        return copy(provenance, scaler.orElse(null));
    }

    private Mlp copy(Provenance p, Standardizer s) {
        Matrix[] w = new Matrix[weights.length];
        double[][] b = new double[biases.length][];
        for (int l = 0; l < weights.length; l++) {
            w[l] = weights[l].copy();
            b[l] = biases[l].clone();
        }
        return new Mlp(layerSizes, featureNames, classNames, w, b, p, s);
    }

    /** How this model was trained, when known. */
    public Optional<Provenance> provenance() {
        return Optional.ofNullable(provenance);
    }

    /** The standardiser applied to inputs before the first layer, if any. */
    public Optional<Standardizer> scaler() {
        return Optional.ofNullable(scaler);
    }

    /** {@code x} standardised when the model has a standardiser (a new matrix), else {@code x} itself. */
    private Matrix standardized(Matrix x) {
        return scaler == null ? x : scaler.transform(x);
    }

    /** Input width, hidden widths, number of classes. */
    public int[] layerSizes() {
        return layerSizes.clone();
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
        return layerSizes[0];
    }

    private int numLayers() {
        return weights.length;
    }

    // ---------------------------------------------------------------- forward and backward passes

    @Override
    public Matrix predictProba(Matrix x) {
        checkInput(x, null);
        Workspace ws = new Workspace(layerSizes, x.rows());
        forward(standardized(x), null, ws);
        return ws.output(numLayers() - 1).copy();
    }

    /**
     * Forward pass into {@code ws}. When {@code labels} is given, also the per-row cross-entropy
     * −log softmax(z)_y, computed from the logits for accuracy ({@link Softmax#softmaxCrossEntropy}).
     */
    private void forward(Matrix x, int[] labels, Workspace ws) {
        Matrix in = x;
        int last = numLayers() - 1;
        for (int l = 0; l <= last; l++) {
            Matrix out = ws.output(l);
            Matrix.gemm(false, true, 1.0, in, weights[l], 0.0, out);
            double[] o = out.data();
            double[] b = biases[l];
            int width = b.length;
            int n = out.rows();
            if (l < last) {
                // Math.max rather than a conditional: C2 vectorises it (a branch here costs ~10x on random signs).
                for (int i = 0; i < n; i++) {
                    int base = i * width;
                    for (int c = 0; c < width; c++) {
                        o[base + c] = Math.max(o[base + c] + b[c], 0.0);
                    }
                }
            } else {
                double[] losses = ws.losses();
                for (int i = 0; i < n; i++) {
                    int base = i * width;
                    for (int c = 0; c < width; c++) {
                        o[base + c] += b[c];
                    }
                    if (labels != null) {
                        losses[i] = Softmax.softmaxCrossEntropy(o, base, width, labels[i], o, base);
                    } else {
                        Softmax.softmax(o, base, width, o, base);
                    }
                }
            }
            in = out;
        }
    }

    /**
     * Sets the output-layer signal ∂loss_i/∂z = (softmax(z_i) − onehot(y_i)) · scale_i, the derivative of the
     * cross-entropy through the softmax.
     */
    private void outputSignal(int[] labels, double[] scale, double uniformScale, Workspace ws) {
        int last = numLayers() - 1;
        double[] p = ws.output(last).data();
        double[] d = ws.delta(last).data();
        int k = layerSizes[last + 1];
        int n = labels.length;
        for (int i = 0; i < n; i++) {
            double s = scale == null ? uniformScale : scale[i];
            int base = i * k;
            for (int c = 0; c < k; c++) {
                d[base + c] = p[base + c] * s;
            }
            d[base + labels[i]] -= s;
        }
    }

    /** δ_{l-1} = (δ_l · W_l) ⊙ ReLU'(z_{l-1}); ReLU' is read from the stored activation (positive iff z > 0). */
    private void propagate(int l, Workspace ws) {
        Matrix prev = ws.delta(l - 1);
        Matrix.gemm(false, false, 1.0, ws.delta(l), weights[l], 0.0, prev);
        double[] d = prev.data();
        double[] a = ws.output(l - 1).data();
        // Branch-free, vectorisable indicator of a > 0 for a >= 0: a·2^1200 (in two steps, 2^1200 is not a double)
        // is 0 for a = 0 and >= 1 for every positive double, even the smallest subnormal, so min(·, 1) is exactly
        // 0 or 1 and the product is exact.
        for (int k = 0; k < d.length; k++) {
            d[k] *= Math.min(a[k] * 0x1p600 * 0x1p600, 1.0);
        }
    }

    /** Back-propagates from the output signal already in {@code ws} and writes the summed gradient into out. */
    private void backwardInto(Matrix x, Workspace ws, double[] out) {
        for (int l = numLayers() - 1; l > 0; l--) {
            propagate(l, ws);
        }
        gradientsFromSignals(x, ws, out);
    }

    /**
     * Writes Σ_i δ_{l,i} ⊗ a_{l,i} (weights) and Σ_i δ_{l,i} (biases) of every layer into out, from the signals
     * δ_l already back-propagated into {@code ws}: one BLAS product per layer.
     */
    private void gradientsFromSignals(Matrix x, Workspace ws, double[] out) {
        int offset = 0;
        for (int l = numLayers() - 1; l >= 0; l--) {
            Matrix in = l == 0 ? x : ws.output(l - 1);
            Matrix delta = ws.delta(l);
            Matrix.gemm(true, false, 1.0, delta, in, 0.0, weightGradients[l]);
            double[] gb = biasGradients[l];
            Arrays.fill(gb, 0.0);
            double[] d = delta.data();
            int width = gb.length;
            for (int i = 0; i < delta.rows(); i++) {
                int base = i * width;
                for (int c = 0; c < width; c++) {
                    gb[c] += d[base + c];
                }
            }
        }
        for (int l = 0; l < numLayers(); l++) {
            double[] gw = weightGradients[l].data();
            System.arraycopy(gw, 0, out, offset, gw.length);
            offset += gw.length;
            System.arraycopy(biasGradients[l], 0, out, offset, biasGradients[l].length);
            offset += biasGradients[l].length;
        }
    }

    @Override
    public Matrix lossInputGradient(Matrix x, int[] labels) {
        checkInput(x, labels);
        Workspace ws = new Workspace(layerSizes, x.rows());
        forward(standardized(x), null, ws);
        outputSignal(labels, null, 1.0, ws);
        for (int l = numLayers() - 1; l > 0; l--) {
            propagate(l, ws);
        }
        Matrix grad = new Matrix(x.rows(), x.cols());
        Matrix.gemm(false, false, 1.0, ws.delta(0), weights[0], 0.0, grad);
        if (scaler != null) {
            // chain rule through x̃ = (x − mean) / scale
            double[] scale = scaler.scale();
            double[] g = grad.data();
            int d = scale.length;
            for (int k = 0; k < g.length; k++) {
                g[k] /= scale[k % d];
            }
        }
        return grad;
    }

    /**
     * Per-row cross-entropy loss, −log p(y_i | x_i).
     *
     * @return array of length n
     */
    public double[] losses(Matrix x, int[] labels) {
        checkInput(x, labels);
        Workspace ws = new Workspace(layerSizes, x.rows());
        forward(standardized(x), labels, ws);
        return Arrays.copyOf(ws.losses(), x.rows());
    }

    /**
     * The mean cross-entropy over the rows of a batch and its gradient with respect to the parameters, in one
     * forward and one backward pass. This is the step of ordinary (non-private) minibatch training.
     *
     * @param gradientOut receives the gradient of the mean loss (length {@link #numParameters()}, overwritten)
     * @return the mean loss over the rows
     */
    public double meanLossGradient(Matrix input, int[] labels, double[] gradientOut) {
        checkInput(input, labels);
        Matrix x = standardized(input);
        checkLength("gradientOut", gradientOut, numParameters);
        int n = x.rows();
        Workspace ws = workspaces.get(n);
        forward(x, labels, ws);
        double total = 0;
        double[] losses = ws.losses();
        for (int i = 0; i < n; i++) {
            total += losses[i];
        }
        if (n == 0) {
            Arrays.fill(gradientOut, 0.0);
            return 0.0;
        }
        outputSignal(labels, null, 1.0 / n, ws);
        backwardInto(x, ws, gradientOut);
        return total / n;
    }

    // ---------------------------------------------------------------- PerExampleGradients

    @Override
    public int numParameters() {
        return numParameters;
    }

    @Override
    public void getParameters(double[] out) {
        checkLength("out", out, numParameters);
        int offset = 0;
        for (int l = 0; l < numLayers(); l++) {
            double[] w = weights[l].data();
            System.arraycopy(w, 0, out, offset, w.length);
            offset += w.length;
            System.arraycopy(biases[l], 0, out, offset, biases[l].length);
            offset += biases[l].length;
        }
    }

    @Override
    public void setParameters(double[] in) {
        checkLength("in", in, numParameters);
        int offset = 0;
        for (int l = 0; l < numLayers(); l++) {
            double[] w = weights[l].data();
            System.arraycopy(in, offset, w, 0, w.length);
            offset += w.length;
            System.arraycopy(in, offset, biases[l], 0, biases[l].length);
            offset += biases[l].length;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Computed with ghost norms: one forward pass, one back-propagation of the per-row signals δ_i (no
     * weight gradients), and for every dense layer Σ_{i,j∈g} (a_i·a_j + 1)(δ_i·δ_j), which for single-example
     * groups is (‖a_i‖² + 1)‖δ_i‖². Cost per layer is O(n·(in + out)) for per-example groups and
     * O(|g|²·(in + out)) per group otherwise; a group so large that this exceeds forming its gradient
     * (|g|·(in + out) &gt; in·out) gets its gradient from one BLAS product instead. Not thread-safe.
     */
    @Override
    public double[] groupGradientSquaredNorms(Matrix input, int[] labels, int[] groups, int numGroups) {
        checkInput(input, labels);
        Matrix x = standardized(input);
        if (groups == null || groups.length != x.rows()) {
            throw new IllegalArgumentException("groups must have one entry per row (" + x.rows() + "), got "
                    + (groups == null ? "null" : groups.length));
        }
        GroupIndex index = GroupIndex.of(groups, numGroups);
        double[] norms = new double[numGroups];
        if (x.rows() == 0) {
            return norms;
        }
        Workspace ws = workspaces.get(x.rows());
        forward(x, null, ws);
        outputSignal(labels, null, 1.0, ws);
        for (int l = numLayers() - 1; l >= 0; l--) {
            Matrix in = l == 0 ? x : ws.output(l - 1);
            ghostNorms.accumulate(in, ws.delta(l), index, norms);
            if (l > 0) {
                propagate(l, ws);
            }
        }
        return norms;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One forward and one backward pass, with the output signal of row i scaled by {@code weights[i]}.
     */
    @Override
    public void weightedGradientSum(Matrix input, int[] labels, double[] rowWeights, double[] out) {
        checkInput(input, labels);
        Matrix x = standardized(input);
        checkLength("weights", rowWeights, x.rows());
        checkLength("out", out, numParameters);
        if (x.rows() == 0) {
            Arrays.fill(out, 0.0);
            return;
        }
        Workspace ws = workspaces.get(x.rows());
        forward(x, null, ws);
        outputSignal(labels, rowWeights, 0.0, ws);
        backwardInto(x, ws, out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One forward and one backward pass serve both the norms and the sum: the signals δ_l of every layer are
     * kept, the ghost norms are computed from them as in {@link #groupGradientSquaredNorms}, and then each layer's
     * δ_l is scaled row by row by the clip weight w_i — back-propagation is linear in the output signal once the
     * forward pass has fixed the ReLU masks, so this equals back-propagating the weighted output signal — and one
     * BLAS product per layer forms the weighted gradient. Not thread-safe.
     */
    @Override
    public double[] clippedGradientSum(Matrix input, int[] labels, int[] groups, int numGroups, double l2NormClip,
                                       double[] out) {
        checkInput(input, labels);
        Matrix x = standardized(input);
        checkLength("out", out, numParameters);
        ClipWeights.check(x.rows(), groups, numGroups, l2NormClip);
        GroupIndex index = GroupIndex.of(groups, numGroups);
        double[] norms = new double[numGroups];
        int n = x.rows();
        if (n == 0) {
            Arrays.fill(out, 0.0);
            return norms;
        }
        Workspace ws = workspaces.get(n);
        forward(x, null, ws);
        outputSignal(labels, null, 1.0, ws);
        for (int l = numLayers() - 1; l >= 0; l--) {
            Matrix in = l == 0 ? x : ws.output(l - 1);
            ghostNorms.accumulate(in, ws.delta(l), index, norms);
            if (l > 0) {
                propagate(l, ws);
            }
        }
        double[] rowWeights = ClipWeights.rowWeights(norms, groups, numGroups, l2NormClip);
        for (int l = 0; l < numLayers(); l++) {
            double[] d = ws.delta(l).data();
            int width = layerSizes[l + 1];
            for (int i = 0; i < n; i++) {
                double w = rowWeights[i];
                int base = i * width;
                for (int c = 0; c < width; c++) {
                    d[base + c] *= w;
                }
            }
        }
        gradientsFromSignals(x, ws, out);
        return norms;
    }

    private void checkInput(Matrix x, int[] labels) {
        if (x.cols() != numFeatures()) {
            throw BadInputException.of("input has %d features, the model expects %d", x.cols(), numFeatures());
        }
        if (labels != null) {
            if (labels.length != x.rows()) {
                throw BadInputException.of("%d labels for %d rows", labels.length, x.rows());
            }
            int k = numClasses();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= k) {
                    throw BadInputException.of("label at row %d must be in [0, %d), got %d", i, k, labels[i]);
                }
            }
        }
    }

    private static void checkLength(String name, double[] a, int expected) {
        if (a == null || a.length != expected) {
            throw new IllegalArgumentException(name + " must have length " + expected + ", got "
                    + (a == null ? "null" : a.length));
        }
    }

    // ---------------------------------------------------------------- Model

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String toString() {
        return "Mlp" + Arrays.toString(layerSizes) + (scaler == null ? "" : ", scaled");
    }
}
