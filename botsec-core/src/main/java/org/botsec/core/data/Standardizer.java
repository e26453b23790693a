package org.botsec.core.data;

import java.util.Arrays;
import org.botsec.core.linalg.Matrix;

/**
 * Standardisation {@code (x - mean) / scale} per column, as scikit-learn's {@code StandardScaler}: the scale is
 * the population standard deviation (ddof = 0), and a column with (numerically) zero variance gets scale 1 so
 * that it maps to 0 rather than dividing by zero. Immutable and thread-safe.
 */
public final class Standardizer {
    private final double[] mean;
    private final double[] scale;

    private Standardizer(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /** A standardiser with given means and scales (e.g. imported from scikit-learn). */
    public static Standardizer of(double[] mean, double[] scale) {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException(
                    "mean has " + mean.length + " values but scale has " + scale.length);
        }
        for (int j = 0; j < mean.length; j++) {
            if (!Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("mean[" + j + "] must be finite, got " + mean[j]);
            }
            if (!(scale[j] > 0) || !Double.isFinite(scale[j])) {
                throw new IllegalArgumentException("scale[" + j + "] must be > 0 and finite, got " + scale[j]);
            }
        }
        return new Standardizer(mean.clone(), scale.clone());
    }

    /** Fits column means and population standard deviations (two passes, for accuracy). */
    public static Standardizer fit(Matrix x) {
        int n = x.rows();
        int d = x.cols();
        if (n == 0) {
            throw new IllegalArgumentException("cannot fit a standardiser on 0 rows");
        }
        double[] a = x.data();
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += a[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[] var = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double t = a[i * d + j] - mean[j];
                var[j] += t * t;
            }
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double s = Math.sqrt(var[j] / n);
            // Rounding leaves a tiny spread in a constant column; treat it as zero like scikit-learn does.
            scale[j] = s <= 10 * Math.ulp(1.0) * Math.max(1.0, Math.abs(mean[j])) ? 1.0 : s;
        }
        return new Standardizer(mean, scale);
    }

    /** A new matrix {@code (x - mean) / scale}. */
    public Matrix transform(Matrix x) {
        int d = mean.length;
        if (x.cols() != d) {
            throw new IllegalArgumentException("expected " + d + " columns, got " + x.cols());
        }
        double[] a = x.data();
        double[] out = new double[a.length];
        for (int i = 0; i < x.rows(); i++) {
            int off = i * d;
            for (int j = 0; j < d; j++) {
                out[off + j] = (a[off + j] - mean[j]) / scale[j];
            }
        }
        return new Matrix(x.rows(), d, out);
    }

    /** The data set with standardised features (labels, names and hash kept). */
    public Dataset transform(Dataset data) {
        return new Dataset(transform(data.x()), data.y(), data.featureNames(), data.classNames(), data.sha256());
    }

    public int numFeatures() {
        return mean.length;
    }

    /** Column means (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** Column scales (a copy). */
    public double[] scale() {
        return scale.clone();
    }

    @Override
    public String toString() {
        return "Standardizer[mean=" + Arrays.toString(mean) + ", scale=" + Arrays.toString(scale) + "]";
    }
}
