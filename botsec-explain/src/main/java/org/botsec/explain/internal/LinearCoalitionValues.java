package org.botsec.explain.internal;

import java.util.stream.IntStream;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.model.LinearModel;

/**
 * The value function of {@link CoalitionValues}, e(S) = Σ_b w_b f(x_S, b_rest), for a {@link LinearModel}, without
 * synthetic rows. Scores are linear, so the score of a synthetic row is the background row's score plus
 * Σ_{j∈S} δ_j(b) with δ_j(b) = score(b with x_j) − score(b); the model itself gives every score
 * ({@link LinearModel#decisionFunction}: its standardiser and coefficients, nothing re-derived here), once for the
 * N background rows and once for the M·N rows that differ from them in one column. Each coalition then costs
 * min(|S|, M − |S|) additions per background row and coefficient row (large coalitions start from the all-x
 * scores and subtract their complement) and one sigmoid or softmax per background row (see
 * {@code expectedProbability}). Agrees with the black-box path to rounding.
 */
public final class LinearCoalitionValues implements CoalitionValueFunction {
    /** Below this many scores in total the work stays on the calling thread. */
    private static final long PARALLEL_SCORES = 50_000;

    private final LinearModel model;
    private final int label;
    private final int r;
    private final Matrix background;
    private final double[] weights;
    private final double[] backgroundScores;
    private final double backgroundOutput;

    /**
     * @param background N×d background rows (not copied: the caller owns an unshared copy)
     * @param weights    N weights summing to 1
     */
    public LinearCoalitionValues(LinearModel model, int label, Matrix background, double[] weights) {
        this.model = model;
        this.label = label;
        this.r = model.coefRows();
        this.background = background;
        this.weights = weights;
        this.backgroundScores = model.decisionFunction(background).data();
        Matrix p = model.predictProba(background);
        double s = 0;
        for (int b = 0; b < background.rows(); b++) {
            s += weights[b] * p.get(b, label);
        }
        this.backgroundOutput = s;
    }

    @Override
    public double backgroundOutput() {
        return backgroundOutput;
    }

    @Override
    public double[] probabilities(double[] x) {
        return model.predictProba(new Matrix(1, x.length, x.clone())).row(0);
    }

    @Override
    public double[] expectedOutputs(double[] x, int[] columns, byte[] masks, int count) {
        int n = background.rows();
        int d = background.cols();
        int m = columns.length;
        double[] out = new double[count];
        if (count == 0) {
            return out;
        }
        // δ_j(b) from the model's own scores of the background with column j taken from x.
        double[] bg = background.data();
        Matrix oneSwapped = new Matrix(m * n, d);
        double[] od = oneSwapped.data();
        for (int f = 0; f < m; f++) {
            System.arraycopy(bg, 0, od, f * n * d, n * d);
            int col = columns[f];
            for (int b = 0; b < n; b++) {
                od[(f * n + b) * d + col] = x[col];
            }
        }
        double[] swappedScores = model.decisionFunction(oneSwapped).data();
        int nr = n * r;
        double[] delta = new double[m * nr];
        double[] full = backgroundScores.clone();
        for (int f = 0; f < m; f++) {
            for (int t = 0; t < nr; t++) {
                double v = swappedScores[f * nr + t] - backgroundScores[t];
                delta[f * nr + t] = v;
                full[t] += v;
            }
        }
        // Coalitions are independent: large jobs are split over the cores (the function is pure).
        int blocks = (long) count * nr < PARALLEL_SCORES ? 1
                : Math.min(count, 4 * Runtime.getRuntime().availableProcessors());
        int per = (count + blocks - 1) / blocks;
        IntStream.range(0, blocks).parallel().forEach(blk -> evaluate(blk * per, Math.min(count, (blk + 1) * per),
                masks, m, n, full, delta, out));
        return out;
    }

    private void evaluate(int from, int to, byte[] masks, int m, int n, double[] full, double[] delta,
            double[] out) {
        int nr = n * r;
        int[] in = new int[m];
        int[] outside = new int[m];
        double[] z = new double[nr];
        for (int s = from; s < to; s++) {
            int a = 0;
            int o = 0;
            for (int f = 0; f < m; f++) {
                if (masks[s * m + f] != 0) {
                    in[a++] = f;
                } else {
                    outside[o++] = f;
                }
            }
            boolean fromFull = o < a;
            System.arraycopy(fromFull ? full : backgroundScores, 0, z, 0, nr);
            int len = fromFull ? o : a;
            for (int i = 0; i < len; i++) {
                int off = (fromFull ? outside[i] : in[i]) * nr;
                if (fromFull) {
                    for (int t = 0; t < nr; t++) {
                        z[t] -= delta[off + t];
                    }
                } else {
                    for (int t = 0; t < nr; t++) {
                        z[t] += delta[off + t];
                    }
                }
            }
            out[s] = expectedProbability(z, n);
        }
    }

    /**
     * Σ_b w_b P(label | scores z_b): the model's link (sigmoid of the one score, softmax otherwise) applied to the
     * scores. Core has no public entry point
     * from scores to probabilities; its {@code predictProba} on an identity model (tried: exact, but a BLAS call,
     * two allocations and three passes per block) made this whole fast path 2.5× slower, so the two lines live
     * here and ShapExplainerTest checks them against {@code LinearModel.predictProba} on every synthetic row's
     * result (fast path = black-box path to 1e-12, binary and softmax).
     */
    private double expectedProbability(double[] z, int n) {
        double e = 0;
        if (r == 1) {
            // P(class 1) = σ(z), P(class 0) = σ(−z): core's one sigmoid (Softmax.sigmoid, two-branch)
            double direction = label == 1 ? 1.0 : -1.0;
            for (int b = 0; b < n; b++) {
                e += weights[b] * Softmax.sigmoid(direction * z[b]);
            }
            return e;
        }
        double[] p = new double[r];
        for (int b = 0; b < n; b++) {
            Softmax.softmax(z, b * r, r, p, 0);
            e += weights[b] * p[label];
        }
        return e;
    }
}
