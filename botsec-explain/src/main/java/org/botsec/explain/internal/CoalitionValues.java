package org.botsec.explain.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.botsec.core.linalg.Matrix;

/**
 * SHAP's interventional value function e(S) = Σ_b w_b f(x_S, b_rest) for many coalitions at once: features in S
 * take the explained row's values, the others the background row's. Coalitions are over the "varying" features
 * (the caller maps them to columns).
 *
 * <p>The synthetic rows of a block of coalitions (every coalition × every background row) go to the model in ONE
 * call, so a BLAS-backed model does a single large product per block. Blocks hold about {@link #CHUNK_VALUES}
 * values, so memory stays bounded whatever the number of coalitions and a block stays in cache. Blocks are
 * handed out dynamically to one worker per core (a slow or busy core simply takes fewer blocks); each worker
 * reuses one buffer for all its blocks, so the prediction function must not keep a reference to its input
 * matrix, and it is called from several threads at once (it must be thread-safe, as for batch explanations).
 * Each coalition's value depends only on its own rows, so the result does not depend on the split.
 */
public final class CoalitionValues implements CoalitionValueFunction {
    /**
     * Values (rows × features) per model call: small enough that the synthetic rows stay in the core's L2 cache
     * and are not a "humongous" allocation for the garbage collector, large enough to amortise the call.
     */
    public static final int CHUNK_VALUES = 1 << 15;
    /** Below this many synthetic values in total the work stays on the calling thread. */
    private static final long PARALLEL_VALUES = 1 << 17;

    private final Function<Matrix, Matrix> predict;
    private final int label;
    private final Matrix background;
    private final double[] backgroundWeights;
    private final double backgroundOutput;

    /**
     * @param predict    n×k probabilities for n rows; called here once on the background
     * @param label      the explained class
     * @param background N×d background rows (not copied: the caller owns an unshared copy)
     * @param weights    N weights summing to 1
     */
    public CoalitionValues(Function<Matrix, Matrix> predict, int label, Matrix background, double[] weights) {
        this.predict = predict;
        this.label = label;
        this.background = background;
        this.backgroundWeights = weights;
        Matrix p = checked(predict.apply(background.copy()), background.rows());
        double s = 0;
        for (int i = 0; i < background.rows(); i++) {
            s += weights[i] * p.get(i, label);
        }
        this.backgroundOutput = s;
    }

    @Override
    public double backgroundOutput() {
        return backgroundOutput;
    }

    @Override
    public double[] probabilities(double[] x) {
        return checked(predict.apply(new Matrix(1, x.length, x.clone())), 1).row(0);
    }

    private Matrix checked(Matrix p, int rows) {
        if (p.rows() != rows || label >= p.cols()) {
            throw new IllegalStateException("prediction function returned " + p.rows() + "x" + p.cols()
                    + " for " + rows + " rows, class " + label + " explained");
        }
        return p;
    }

    /**
     * Expected model output (not yet linked) for each coalition.
     *
     * @param x       the explained row
     * @param columns column of each varying feature
     * @param masks   row-major count×M 0/1 mask, M = columns.length
     * @param count   number of coalitions
     */
    @Override
    public double[] expectedOutputs(double[] x, int[] columns, byte[] masks, int count) {
        int n = background.rows();
        int d = background.cols();
        double[] out = new double[count];
        if (count == 0) {
            return out;
        }
        int perChunk = Math.max(1, CHUNK_VALUES / (n * Math.max(1, d)));
        int chunks = (count + perChunk - 1) / perChunk;
        int workers = (long) count * n * d < PARALLEL_VALUES ? 1
                : Math.min(chunks, Runtime.getRuntime().availableProcessors());
        AtomicInteger next = new AtomicInteger();
        if (workers == 1) {
            work(x, columns, masks, count, perChunk, next, out);
        } else {
            IntStream.range(0, workers).parallel().forEach(w -> work(x, columns, masks, count, perChunk, next, out));
        }
        return out;
    }

    /** One worker: takes chunks of coalitions until none are left, with its own reused buffers. */
    private void work(double[] x, int[] columns, byte[] masks, int count, int perChunk, AtomicInteger next,
            double[] out) {
        int n = background.rows();
        int d = background.cols();
        int m = columns.length;
        int full = Math.min(perChunk, count);
        double[] buffer = new double[full * n * d];
        Matrix fullSynth = new Matrix(full * n, d, buffer);
        // Per coalition the columns to patch: those in S (when |S| ≤ d/2, patched into a copy of the background)
        // or those outside S (patched into rows that are copies of x). Non-varying columns always take the
        // background's value, exactly as in the plain construction, so the synthetic rows are bit for bit the same.
        int[] patch = new int[d];
        boolean[] inS = new boolean[d];
        double[] xRows = new double[n * d];
        for (int r = 0; r < n; r++) {
            System.arraycopy(x, 0, xRows, r * d, d);
        }
        for (int chunk = next.getAndIncrement(); (long) chunk * perChunk < count; chunk = next.getAndIncrement()) {
            int start = chunk * perChunk;
            int c = Math.min(perChunk, count - start);
            Matrix synth = c == full ? fullSynth : new Matrix(c * n, d);
            double[] s = synth.data();
            for (int k = 0; k < c; k++) {
                synthesise(x, xRows, columns, masks, (start + k) * m, s, k * n * d, patch, inS);
            }
            Matrix pr = checked(predict.apply(synth), c * n);
            int pc = pr.cols();
            double[] pd = pr.data();
            for (int k = 0; k < c; k++) {
                double e = 0;
                for (int r = 0; r < n; r++) {
                    e += backgroundWeights[r] * pd[(k * n + r) * pc + label];
                }
                out[start + k] = e;
            }
        }
    }

    /**
     * Writes one coalition's n synthetic rows at {@code s[base ...]}: a copy of the background with the columns in
     * S set to x's values when |S| ≤ d/2, otherwise copies of x with the other columns set to the background's,
     * whichever patches fewer values (a small method of its own so that the JIT compiles it early and fully).
     */
    private void synthesise(double[] x, double[] xRows, int[] columns, byte[] masks, int maskOffset, double[] s,
            int base, int[] patch, boolean[] inS) {
        int n = background.rows();
        int d = background.cols();
        int m = columns.length;
        double[] bg = background.data();
        int size = 0;
        java.util.Arrays.fill(inS, false);
        for (int f = 0; f < m; f++) {
            if (masks[maskOffset + f] != 0) {
                inS[columns[f]] = true;
                size++;
            }
        }
        if (2 * size <= d) {
            int p = 0;
            for (int f = 0; f < m; f++) {
                if (masks[maskOffset + f] != 0) {
                    patch[p++] = columns[f];
                }
            }
            System.arraycopy(bg, 0, s, base, n * d);
            // column by column: a constant written with a fixed stride (no index array in the inner loop)
            int end = base + n * d;
            for (int i = 0; i < p; i++) {
                int col = patch[i];
                double v = x[col];
                for (int o = base + col; o < end; o += d) {
                    s[o] = v;
                }
            }
        } else {
            int p = 0;
            for (int col = 0; col < d; col++) {
                if (!inS[col]) {
                    patch[p++] = col;
                }
            }
            System.arraycopy(xRows, 0, s, base, n * d);
            int offset = base;
            for (int i = 0; i < p; i++) {
                int col = patch[i];
                for (int b = col; b < n * d; b += d) {
                    s[offset + b] = bg[b];
                }
            }
        }
    }
}
