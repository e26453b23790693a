package org.botsec.explain.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.botsec.core.linalg.Matrix;

/**
 * lime's {@code QuartileDiscretizer}: each feature's training quartiles (numpy's linear-interpolation
 * percentiles 25, 50, 75, duplicates removed) cut it into bins; bin = number of cut points strictly below the
 * value. Per bin it keeps the training values' mean, standard deviation, bounds and frequency, so that a bin
 * can be turned back into a value by a normal draw truncated to the bin (lime's {@code undiscretize}).
 */
public final class QuartileDiscretizer {
    private final List<String> featureNames;
    private final double[][] cuts;
    private final double[][] means;
    private final double[][] sds;
    private final double[][] mins;
    private final double[][] maxs;
    private final double[][] frequencies;

    public QuartileDiscretizer(Matrix training, List<String> featureNames) {
        int d = training.cols();
        int n = training.rows();
        this.featureNames = List.copyOf(featureNames);
        cuts = new double[d][];
        means = new double[d][];
        sds = new double[d][];
        mins = new double[d][];
        maxs = new double[d][];
        frequencies = new double[d][];
        double[] col = new double[n];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) {
                col[i] = training.get(i, j);
            }
            double[] sorted = col.clone();
            Arrays.sort(sorted);
            double[] q = {percentile(sorted, 25), percentile(sorted, 50), percentile(sorted, 75)};
            cuts[j] = Arrays.stream(q).distinct().sorted().toArray();
            int bins = cuts[j].length + 1;
            double[] sum = new double[bins];
            double[] sq = new double[bins];
            int[] count = new int[bins];
            for (int i = 0; i < n; i++) {
                int b = bin(j, col[i]);
                sum[b] += col[i];
                count[b]++;
            }
            means[j] = new double[bins];
            sds[j] = new double[bins];
            frequencies[j] = new double[bins];
            for (int b = 0; b < bins; b++) {
                means[j][b] = count[b] == 0 ? 0 : sum[b] / count[b];
                frequencies[j][b] = (double) count[b] / n;
            }
            for (int i = 0; i < n; i++) {
                int b = bin(j, col[i]);
                double t = col[i] - means[j][b];
                sq[b] += t * t;
            }
            for (int b = 0; b < bins; b++) {
                sds[j][b] = (count[b] == 0 ? 0 : Math.sqrt(sq[b] / count[b])) + 1e-11;
            }
            mins[j] = new double[bins];
            maxs[j] = new double[bins];
            mins[j][0] = sorted[0];
            for (int b = 1; b < bins; b++) {
                mins[j][b] = cuts[j][b - 1];
            }
            for (int b = 0; b < bins - 1; b++) {
                maxs[j][b] = cuts[j][b];
            }
            maxs[j][bins - 1] = sorted[n - 1];
        }
    }

    /** numpy.percentile with linear interpolation on sorted values. */
    static double percentile(double[] sorted, double p) {
        double pos = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** numpy.searchsorted(cuts, x, side='left'). */
    public int bin(int feature, double x) {
        double[] c = cuts[feature];
        int b = 0;
        while (b < c.length && c[b] < x) {
            b++;
        }
        return b;
    }

    public int numBins(int feature) {
        return cuts[feature].length + 1;
    }

    /** Training frequency of each bin. */
    public double[] frequencies(int feature) {
        return frequencies[feature].clone();
    }

    /** A value in {@code bin} drawn from the bin's truncated normal. */
    public double undiscretize(int feature, int bin, SplittableRandom random) {
        return Normal.truncated(means[feature][bin], sds[feature][bin], mins[feature][bin], maxs[feature][bin], random);
    }

    /** lime's bin name: "f &lt;= q0", "q0 &lt; f &lt;= q1", "f &gt; q2" with two decimals. */
    public String binName(int feature, int bin) {
        String name = featureNames.get(feature);
        double[] c = cuts[feature];
        if (bin == 0) {
            return String.format(Locale.ROOT, "%s <= %.2f", name, c[0]);
        }
        if (bin == c.length) {
            return String.format(Locale.ROOT, "%s > %.2f", name, c[c.length - 1]);
        }
        return String.format(Locale.ROOT, "%.2f < %s <= %.2f", c[bin - 1], name, c[bin]);
    }

    public List<String> featureNames() {
        return new ArrayList<>(featureNames);
    }
}
