package org.botsec.explain;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;

/**
 * The background distribution that "absent" features are drawn from in SHAP's interventional value function
 * v(S) = Σ_b w_b f(x_S, b_rest): rows with weights that sum to 1.
 *
 * <p>Immutable: the rows and weights are copied in and every accessor returns a copy.
 *
 * @param data    N×d background rows
 * @param weights N weights, non-negative, summing to 1 (given weights are normalised)
 */
public record Background(Matrix data, double[] weights) {
    /** Upper bound on background rows (each coalition costs one model call per row). */
    public static final int MAX_ROWS = 100_000;

    public Background {
        if (data == null || weights == null) {
            throw new BadInputException("background rows and weights must not be null");
        }
        if (data.rows() == 0) {
            throw BadInputException.of("background must have at least one row");
        }
        if (data.rows() > MAX_ROWS) {
            throw BadInputException.of("background has %d rows, at most %d allowed; summarise it with "
                    + "Background.sample or Background.kmeans", data.rows(), MAX_ROWS);
        }
        if (weights.length != data.rows()) {
            throw BadInputException.of("background weights (%d) and rows (%d) differ", weights.length, data.rows());
        }
        double s = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw BadInputException.of("background weights must be >= 0 and finite, got %s", w);
            }
            s += w;
        }
        if (!(s > 0)) {
            throw BadInputException.of("background weights must have a positive sum, got %s", s);
        }
        data = data.copy();
        weights = weights.clone();
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= s;
        }
    }

    /** All rows with equal weight. */
    public static Background of(Matrix data) {
        double[] w = new double[data.rows()];
        Arrays.fill(w, 1.0);
        return new Background(data, w);
    }

    /** The rows (a copy). */
    @Override
    public Matrix data() {
        return data.copy();
    }

    /** The weights, summing to 1 (a copy). */
    @Override
    public double[] weights() {
        return weights.clone();
    }

    public int size() {
        return data.rows();
    }

    public int numFeatures() {
        return data.cols();
    }

    /** Weighted column means. */
    public double[] mean() {
        int d = data.cols();
        double[] m = new double[d];
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < d; j++) {
                m[j] += weights[i] * data.get(i, j);
            }
        }
        return m;
    }

    /** {@code k} rows drawn uniformly without replacement (all rows when k ≥ N), equal weights. */
    public static Background sample(Matrix data, int k, long seed) {
        if (k <= 0) {
            throw BadInputException.of("background sample size must be > 0, got %d", k);
        }
        int n = data.rows();
        if (k >= n) {
            return of(data);
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return of(data.selectRows(Arrays.copyOf(idx, k)));
    }

    /**
     * Weighted k-means summary (as shap.kmeans): k centroids by Lloyd's algorithm from a k-means++ start, each
     * weighted by the share of rows assigned to it; every centroid coordinate is then moved to the nearest value
     * that feature takes in the data, so summaries stay on the data's grid (e.g. 0/1 features stay 0/1).
     */
    public static Background kmeans(Matrix data, int k, long seed) {
        if (k <= 0) {
            throw BadInputException.of("number of k-means clusters must be > 0, got %d", k);
        }
        int n = data.rows();
        int d = data.cols();
        if (k >= n) {
            return of(data);
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = data.data();
        double[] c = new double[k * d];
        double[] best = new double[n];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        int first = r.nextInt(n);
        System.arraycopy(a, first * d, c, 0, d);
        for (int m = 1; m < k; m++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                best[i] = Math.min(best[i], sq(a, i * d, c, (m - 1) * d, d));
                total += best[i];
            }
            int pick = n - 1;
            double u = r.nextDouble() * total;
            for (int i = 0; i < n; i++) {
                u -= best[i];
                if (u < 0) {
                    pick = i;
                    break;
                }
            }
            System.arraycopy(a, pick * d, c, m * d, d);
        }
        int[] assign = new int[n];
        int[] count = new int[k];
        for (int iter = 0; iter < 100; iter++) {
            boolean changed = iter == 0;
            for (int i = 0; i < n; i++) {
                int bi = 0;
                double bd = Double.POSITIVE_INFINITY;
                for (int m = 0; m < k; m++) {
                    double dist = sq(a, i * d, c, m * d, d);
                    if (dist < bd) {
                        bd = dist;
                        bi = m;
                    }
                }
                if (assign[i] != bi) {
                    changed = true;
                    assign[i] = bi;
                }
            }
            if (!changed) {
                break;
            }
            double[] sum = new double[k * d];
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[assign[i]]++;
                for (int j = 0; j < d; j++) {
                    sum[assign[i] * d + j] += a[i * d + j];
                }
            }
            for (int m = 0; m < k; m++) {
                if (count[m] > 0) {
                    for (int j = 0; j < d; j++) {
                        c[m * d + j] = sum[m * d + j] / count[m];
                    }
                }
            }
        }
        Arrays.fill(count, 0);
        for (int i = 0; i < n; i++) {
            count[assign[i]]++;
        }
        for (int m = 0; m < k; m++) {
            for (int j = 0; j < d; j++) {
                double v = c[m * d + j];
                double nearest = a[j];
                for (int i = 1; i < n; i++) {
                    if (Math.abs(a[i * d + j] - v) < Math.abs(nearest - v)) {
                        nearest = a[i * d + j];
                    }
                }
                c[m * d + j] = nearest;
            }
        }
        int kept = 0;
        for (int m = 0; m < k; m++) {
            kept += count[m] > 0 ? 1 : 0;
        }
        Matrix centres = new Matrix(kept, d);
        double[] w = new double[kept];
        int row = 0;
        for (int m = 0; m < k; m++) {
            if (count[m] > 0) {
                System.arraycopy(c, m * d, centres.data(), row * d, d);
                w[row++] = count[m];
            }
        }
        return new Background(centres, w);
    }

    private static double sq(double[] a, int ao, double[] b, int bo, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double t = a[ao + j] - b[bo + j];
            s += t * t;
        }
        return s;
    }
}
