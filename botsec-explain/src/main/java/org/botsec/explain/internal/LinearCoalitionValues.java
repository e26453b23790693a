package org.botsec.explain.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;

/**
 * The value function of {@link CoalitionValues}, e(S) = Σ_b w_b f(x_S, b_rest), for a {@link LinearModel}, without
 * synthetic rows. Scores are linear, so the score of a synthetic row is the background row's score plus
 * Σ_{j∈S} δ_j(b) with δ_j(b) = score(b with x_j) − score(b); the model itself gives every score
 * ({@link LinearModel#decisionFunction}: its standardiser and coefficients, nothing re-derived here), once for the
 * N background rows and once for the M·N rows that differ from them in one column. Each coalition then costs
 * min(|S|, M − |S|) additions per background row and coefficient row (large coalitions start from the all-x
 * scores and subtract their complement), and the scores become probabilities through core's own sigmoid/softmax
 * ({@link LinearModel#predictProba} of an identity model on the scores: a product with 1 and a sum with 0 are
 * exact, so these are the model's probabilities of those scores). Agrees with the black-box path to rounding.
 */
public final class LinearCoalitionValues implements CoalitionValueFunction {
    /** Scores per probability call: a block of coalitions × background rows that stays in cache. */
    private static final int BLOCK_SCORES = 1 << 13;
    /** Below this many scores in total the work stays on the calling thread. */
    private static final long PARALLEL_SCORES = 50_000;

    private final LinearModel model;
    private final LinearModel scoresToProbabilities;
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
        double[][] identity = new double[r][r];
        List<String> scoreNames = new ArrayList<>(r);
        for (int c = 0; c < r; c++) {
            identity[c][c] = 1.0;
            scoreNames.add("score" + c);
        }
        this.scoresToProbabilities = LinearModel.of(identity, new double[r], model.classNames(), scoreNames, null,
                null);
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
        int perBlock = Math.max(1, BLOCK_SCORES / nr);
        int blocks = (count + perBlock - 1) / perBlock;
        if ((long) count * nr < PARALLEL_SCORES || blocks == 1) {
            evaluate(0, blocks, perBlock, count, masks, m, n, full, delta, out);
        } else {
            int workers = Math.min(blocks, Runtime.getRuntime().availableProcessors());
            int per = (blocks + workers - 1) / workers;
            IntStream.range(0, workers).parallel().forEach(w -> evaluate(w * per, Math.min(blocks, (w + 1) * per),
                    perBlock, count, masks, m, n, full, delta, out));
        }
        return out;
    }

    private void evaluate(int fromBlock, int toBlock, int perBlock, int count, byte[] masks, int m, int n,
            double[] full, double[] delta, double[] out) {
        int nr = n * r;
        int[] in = new int[m];
        int[] outside = new int[m];
        double[] z = new double[perBlock * nr];
        for (int blk = fromBlock; blk < toBlock; blk++) {
            int start = blk * perBlock;
            int c = Math.min(perBlock, count - start);
            for (int k = 0; k < c; k++) {
                int s = start + k;
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
                int zo = k * nr;
                System.arraycopy(fromFull ? full : backgroundScores, 0, z, zo, nr);
                int len = fromFull ? o : a;
                for (int i = 0; i < len; i++) {
                    int off = (fromFull ? outside[i] : in[i]) * nr;
                    if (fromFull) {
                        for (int t = 0; t < nr; t++) {
                            z[zo + t] -= delta[off + t];
                        }
                    } else {
                        for (int t = 0; t < nr; t++) {
                            z[zo + t] += delta[off + t];
                        }
                    }
                }
            }
            Matrix scores = c == perBlock ? new Matrix(c * n, r, z)
                    : new Matrix(c * n, r, java.util.Arrays.copyOf(z, c * nr));
            double[] p = scoresToProbabilities.predictProba(scores).data();
            int k = scoresToProbabilities.numClasses();
            for (int i = 0; i < c; i++) {
                double e = 0;
                for (int b = 0; b < n; b++) {
                    e += weights[b] * p[(i * n + b) * k + label];
                }
                out[start + i] = e;
            }
        }
    }
}
