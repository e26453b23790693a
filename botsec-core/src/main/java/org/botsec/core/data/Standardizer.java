package org.botsec.core.data;

import java.util.Arrays;
import org.botsec.core.linalg.Matrix;

/**
 * Standardisation {@code (x - mean) / scale} per column, as scikit-learn's {@code StandardScaler}: the scale is
 * the population standard deviation (ddof = 0), and a column with (numerically) zero variance gets scale 1 so
 * that it maps to 0 rather than dividing by zero. Immutable and thread-safe.
 */
public final class Standardizer {
    /** Values per {@link #transformBlock} call (at least one row): in L1 cache, long enough to vectorise. */
    private static final int BLOCK_VALUES = 2048;

    private final double[] mean;
    private final double[] scale;
    /** mean and scale repeated for {@link #blockRows()} rows, so a block is one flat loop with one index. */
    private final double[] meanBlock;
    private final double[] scaleBlock;

    private Standardizer(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
        int rows = Math.max(1, BLOCK_VALUES / Math.max(1, mean.length));
        // One row (wide data such as TF-IDF) needs no copy: the arrays are never modified.
        this.meanBlock = rows == 1 ? mean : new double[rows * mean.length];
        this.scaleBlock = rows == 1 ? scale : new double[rows * mean.length];
        for (int i = 0; i < rows && rows > 1; i++) {
            System.arraycopy(mean, 0, meanBlock, i * mean.length, mean.length);
            System.arraycopy(scale, 0, scaleBlock, i * mean.length, mean.length);
        }
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
        Matrix out = new Matrix(x.rows(), x.cols());
        transform(x, out);
        return out;
    }

    /**
     * Writes {@code (x - mean) / scale} into {@code out} (same shape; may be {@code x} itself), without
     * allocating: for callers that standardise many blocks into one reused buffer.
     */
    public void transform(Matrix x, Matrix out) {
        int d = mean.length;
        if (x.cols() != d) {
            throw new IllegalArgumentException("expected " + d + " columns, got " + x.cols());
        }
        if (out.rows() != x.rows() || out.cols() != d) {
            throw new IllegalArgumentException("output is " + out.rows() + "x" + out.cols() + ", expected "
                    + x.rows() + "x" + d);
        }
        double[] a = x.data();
        double[] o = out.data();
        for (int i = 0; i < x.rows(); i++) {
            int off = i * d;
            for (int j = 0; j < d; j++) {
                o[off + j] = (a[off + j] - mean[j]) / scale[j];
            }
        }
    }

    /** The most rows one {@link #transformBlock} call takes (about 2,048 values, at least one row). */
    public int blockRows() {
        return meanBlock.length / Math.max(1, mean.length);
    }

    /**
     * Standardises {@code rows} ≤ {@link #blockRows()} consecutive rows of {@code src}, starting at array index
     * {@code srcOffset}, into {@code dst[0, rows·d)} without allocating. Same arithmetic as
     * {@link #transform(Matrix)} (so identical values), written as one flat loop over a block whose operands all
     * share one index, which the JIT turns into SIMD code (several times faster than the row-by-row loop for few
     * columns).
     */
    public void transformBlock(double[] src, int srcOffset, double[] dst, int rows) {
        int len = rows * mean.length;
        if (rows < 0 || rows > blockRows() || srcOffset < 0 || srcOffset + (long) len > src.length
                || len > dst.length) {
            throw new IllegalArgumentException("cannot standardise " + rows + " rows (at most " + blockRows()
                    + ") of " + mean.length + " values from index " + srcOffset + " of " + src.length
                    + " into " + dst.length);
        }
        System.arraycopy(src, srcOffset, dst, 0, len);
        double[] mu = meanBlock;
        double[] sc = scaleBlock;
        for (int t = 0; t < len; t++) {
            dst[t] = (dst[t] - mu[t]) / sc[t];
        }
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
