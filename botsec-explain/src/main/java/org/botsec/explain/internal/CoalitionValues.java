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
 *
 * <p>Background rows that equal the explained row in some varying features repeat synthetic rows; where at most
 * {@link #MAX_DISTINCT_SHARE} of such a row's synthetic rows are distinct, the model sees only the distinct ones
 * (see {@code distinct}); the values are the same (to rounding of the sum order).
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
    /** f(b)[label] for each background row: a synthetic row equal to its background row needs no model call. */
    private final double[] backgroundPredictions;

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
        this.backgroundPredictions = new double[background.rows()];
        for (int i = 0; i < background.rows(); i++) {
            backgroundPredictions[i] = p.get(i, label);
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
        if (count == 0) {
            return new double[0];
        }
        int[] repeating = columns.length <= MAX_DEDUP_FEATURES ? rowsSharingValues(x, columns) : new int[0];
        if (repeating.length == 0) {
            return bulk(background, backgroundWeights, x, columns, masks, count);
        }
        // Background rows that share values with x give repeated synthetic rows: where that saves enough model rows
        // they go through the distinct-row path, all others through the bulk path; e(S) is the sum of both parts.
        int n = background.rows();
        int d = background.cols();
        double[] fx = checked(predict.apply(new Matrix(1, d, x.clone())), 1).row(0);
        boolean[] toBulk = new boolean[n];
        java.util.Arrays.fill(toBulk, true);
        for (int b : repeating) {
            toBulk[b] = false;
        }
        double[] out = distinct(x, columns, masks, count, repeating, fx[label], toBulk);
        int bulkRows = 0;
        for (boolean t : toBulk) {
            bulkRows += t ? 1 : 0;
        }
        if (bulkRows > 0) {
            int[] rest = new int[bulkRows];
            for (int r = 0, p = 0; r < n; r++) {
                if (toBulk[r]) {
                    rest[p++] = r;
                }
            }
            double[] part = bulk(bulkRows == n ? background : background.selectRows(rest),
                    select(backgroundWeights, rest), x, columns, masks, count);
            for (int k = 0; k < count; k++) {
                out[k] += part[k];
            }
        }
        return out;
    }

    /**
     * Largest share of distinct synthetic rows for which a background row takes the distinct-row path: building
     * rows one by one and looking them up costs more per row than the bulk construction, which pays only when
     * enough rows repeat (a cheap model such as a logistic regression gained nothing at 60%).
     */
    static final double MAX_DISTINCT_SHARE = 0.5;

    /** Varying features at most this many: a coalition restricted to them is one {@code long} key. */
    static final int MAX_DEDUP_FEATURES = 63;

    /** Background rows equal to x (bit for bit) in at least one varying column. */
    private int[] rowsSharingValues(double[] x, int[] columns) {
        int n = background.rows();
        int d = background.cols();
        double[] bg = background.data();
        int[] out = new int[n];
        int k = 0;
        for (int b = 0; b < n; b++) {
            for (int c : columns) {
                if (Double.doubleToRawLongBits(bg[b * d + c]) == Double.doubleToRawLongBits(x[c])) {
                    out[k++] = b;
                    break;
                }
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    private static double[] select(double[] v, int[] idx) {
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }

    /**
     * Σ_b w_b f(x_S, b) over the background rows {@code rows} that share values with x, evaluating the model once
     * per DISTINCT synthetic row: for background row b, coalitions that differ only in features where x and b agree
     * give the same row, so the key of a coalition is its mask without those features. A key of 0 is the background
     * row itself (f(b) is known from the constructor), a key covering every other varying feature is x itself
     * (f(x) given) when b also equals x in the non-varying columns. Background rows are handled in blocks in parallel and summed in row order, so the result does
     * not depend on the scheduling.
     */
    private double[] distinct(double[] x, int[] columns, byte[] masks, int count, int[] rows, double fx,
            boolean[] toBulk) {
        int m = columns.length;
        long[] keys = new long[count];
        for (int k = 0; k < count; k++) {
            long key = 0;
            int o = k * m;
            for (int f = 0; f < m; f++) {
                key |= (long) masks[o + f] << f;
            }
            keys[k] = key;
        }
        double[] out = new double[count];
        int block = Math.max(1, Runtime.getRuntime().availableProcessors() * 4);
        for (int start = 0; start < rows.length; start += block) {
            int end = Math.min(rows.length, start + block);
            double[][] part = new double[end - start][];
            int s0 = start;
            IntStream.range(start, end).parallel().forEach(i -> part[i - s0] = oneRow(x, columns, keys, rows[i], fx));
            for (int i = start; i < end; i++) {
                double w = backgroundWeights[rows[i]];
                double[] v = part[i - start];
                if (v == null) {
                    toBulk[rows[i]] = true;
                    continue;
                }
                for (int k = 0; k < count; k++) {
                    out[k] += w * v[k];
                }
            }
        }
        return out;
    }

    /**
     * f(x_S, b)[label] for every coalition, one model call on b's distinct synthetic rows; null when more than
     * {@link #MAX_DISTINCT_SHARE} of the rows are distinct (the caller then takes b through the bulk path).
     */
    private double[] oneRow(double[] x, int[] columns, long[] keys, int b, double fx) {
        int m = columns.length;
        int d = background.cols();
        double[] bg = background.data();
        long equal = 0;
        for (int f = 0; f < m; f++) {
            if (Double.doubleToRawLongBits(bg[b * d + columns[f]]) == Double.doubleToRawLongBits(x[columns[f]])) {
                equal |= 1L << f;
            }
        }
        long differing = ~equal & ((1L << m) - 1);
        // x itself only if b also equals x bit for bit in the columns left out as non-varying (those are equal to
        // every background row within numpy's isclose tolerance, not necessarily exactly)
        boolean[] varying = new boolean[d];
        for (int c : columns) {
            varying[c] = true;
        }
        boolean xOutside = true;
        for (int c = 0; c < d && xOutside; c++) {
            xOutside = varying[c] || Double.doubleToRawLongBits(bg[b * d + c]) == Double.doubleToRawLongBits(x[c]);
        }
        int count = keys.length;
        int[] slot = new int[count];
        long[] distinctKeys = new long[count];
        int unique = 0;
        // open addressing on primitive keys (a boxed HashMap cost more than the model calls it saved)
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(8, 2 * count - 1));
        int tableMask = (1 << bits) - 1;
        long[] tableKeys = new long[1 << bits];
        int[] tableSlots = new int[1 << bits];
        java.util.Arrays.fill(tableSlots, -1);
        for (int k = 0; k < count; k++) {
            long key = keys[k] & differing;
            if (key == 0) {
                slot[k] = -1;
            } else if (key == differing && xOutside) {
                slot[k] = -2;
            } else {
                int h = (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - bits));
                while (tableSlots[h] >= 0 && tableKeys[h] != key) {
                    h = (h + 1) & tableMask;
                }
                if (tableSlots[h] < 0) {
                    tableKeys[h] = key;
                    tableSlots[h] = unique;
                    distinctKeys[unique++] = key;
                }
                slot[k] = tableSlots[h];
            }
        }
        if (unique > MAX_DISTINCT_SHARE * count) {
            return null;
        }
        double[] values = new double[unique];
        if (unique > 0) {
            Matrix synth = new Matrix(unique, d);
            double[] s = synth.data();
            int differingCount = Long.bitCount(differing);
            for (int u = 0; u < unique; u++) {
                long key = distinctKeys[u];
                // whichever patches fewer values: b with x's values in S, or (when b equals x outside the varying
                // columns) x with b's values in the differing columns outside S
                if (xOutside && 2 * Long.bitCount(key) > differingCount) {
                    System.arraycopy(x, 0, s, u * d, d);
                    for (long rest = differing & ~key; rest != 0; rest &= rest - 1) {
                        int col = columns[Long.numberOfTrailingZeros(rest)];
                        s[u * d + col] = bg[b * d + col];
                    }
                } else {
                    System.arraycopy(bg, b * d, s, u * d, d);
                    for (long rest = key; rest != 0; rest &= rest - 1) {
                        int col = columns[Long.numberOfTrailingZeros(rest)];
                        s[u * d + col] = x[col];
                    }
                }
            }
            Matrix pr = checked(predict.apply(synth), unique);
            for (int u = 0; u < unique; u++) {
                values[u] = pr.get(u, label);
            }
        }
        double[] out = new double[count];
        for (int k = 0; k < count; k++) {
            out[k] = slot[k] >= 0 ? values[slot[k]] : slot[k] == -1 ? backgroundPredictions[b] : fx;
        }
        return out;
    }

    /** The plain construction: every coalition × every row of {@code bgRows}, in blocks over all cores. */
    private double[] bulk(Matrix bgRows, double[] weights, double[] x, int[] columns, byte[] masks, int count) {
        int n = bgRows.rows();
        int d = bgRows.cols();
        double[] out = new double[count];
        int perChunk = Math.max(1, CHUNK_VALUES / (n * Math.max(1, d)));
        int chunks = (count + perChunk - 1) / perChunk;
        int workers = (long) count * n * d < PARALLEL_VALUES ? 1
                : Math.min(chunks, Runtime.getRuntime().availableProcessors());
        AtomicInteger next = new AtomicInteger();
        if (workers == 1) {
            work(bgRows, weights, x, columns, masks, count, perChunk, next, out);
        } else {
            IntStream.range(0, workers).parallel()
                    .forEach(w -> work(bgRows, weights, x, columns, masks, count, perChunk, next, out));
        }
        return out;
    }

    /** One worker: takes chunks of coalitions until none are left, with its own reused buffers. */
    private void work(Matrix bgRows, double[] weights, double[] x, int[] columns, byte[] masks, int count,
            int perChunk, AtomicInteger next, double[] out) {
        int n = bgRows.rows();
        int d = bgRows.cols();
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
                synthesise(bgRows, x, xRows, columns, masks, (start + k) * m, s, k * n * d, patch, inS);
            }
            Matrix pr = checked(predict.apply(synth), c * n);
            int pc = pr.cols();
            double[] pd = pr.data();
            for (int k = 0; k < c; k++) {
                double e = 0;
                for (int r = 0; r < n; r++) {
                    e += weights[r] * pd[(k * n + r) * pc + label];
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
    private static void synthesise(Matrix bgRows, double[] x, double[] xRows, int[] columns, byte[] masks,
            int maskOffset, double[] s, int base, int[] patch, boolean[] inS) {
        int n = bgRows.rows();
        int d = bgRows.cols();
        int m = columns.length;
        double[] bg = bgRows.data();
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
            // column by column: a constant written with a fixed stride (no index array in the inner loop); the
            // loop counts rows, not positions, so that the JIT sees a counted loop (unrolled, no safepoint poll per
            // value): with the position as the loop variable and a stride known only at run time it was not, and
            // the patching cost ~25% more on the benchmark row
            for (int i = 0; i < p; i++) {
                int col = patch[i];
                double v = x[col];
                for (int r = 0, o = base + col; r < n; r++, o += d) {
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
                for (int r = 0, o = col; r < n; r++, o += d) {
                    s[offset + o] = bg[o];
                }
            }
        }
    }
}
