package org.botsec.explain.internal;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Quick shift superpixels (Vedaldi &amp; Soatto 2008, "Quick Shift and Kernel Methods for Mode Seeking", ECCV),
 * as scikit-image's {@code segmentation.quickshift} computes them with {@code convert2lab=True, sigma=0} (the
 * segmentation lime's {@code LimeImageExplainer} uses by default, with kernel size 4, maximum distance 200 and
 * ratio 0.2).
 *
 * <p>Each pixel is a point (ratio·L, ratio·a, ratio·b, row, column): its CIE Lab colour (sRGB, D65, 2° observer;
 * a grey image is read as R = G = B, as lime's {@code gray2rgb}) scaled by {@code ratio}, and its position in
 * pixels. Its Parzen density is the sum of exp(−d²/(2σ²)) over the pixels of the (2w+1)×(2w+1) window around it
 * (itself included, clipped at the border), with σ = {@code kernelSize}, w = ⌈3σ⌉ and d the Euclidean distance
 * of the points. Gaussian noise of standard deviation 10⁻⁵ is added to the densities to break ties. Every pixel
 * then links to the nearest pixel of its window with a strictly higher density (the first in raster order
 * among equally near ones); a pixel with none, or whose nearest one lies farther than {@code maxDist}, is a
 * root. Segments are the trees of that forest, numbered 0..K−1 in the raster order of their roots.
 *
 * <p>What this guarantees: every pixel has a label; each segment has one root, the pixel of highest density in
 * it; densities strictly increase along every link, and every link is at most {@code maxDist} long and stays in
 * the window. Segments need not be 4-connected: a link may jump up to w pixels.
 *
 * <p>Given scikit-image's noise the label maps are identical to scikit-image 0.19.3's (golden test); with this
 * class's own seeded noise only the choices between pixels of exactly equal density differ. Lime's parameters
 * are meant for photographs: the window (±12 pixels) covers most of a 28×28 image, which then gets 1 to 4
 * segments, mostly 1 or 2 (an 8×8 one a single segment); a kernel size of 1 or 2 with a small {@code maxDist}
 * gives tens.
 *
 * <p>Colours are expected in [0, 1]. Cost: O(pixels·(2w+1)²) kernel values (looked up, not exponentiated, between
 * pixels of equal colour); the link search stops at the distance of the nearest denser 8-neighbour.
 */
public final class Quickshift {
    /** Standard deviation of the tie-breaking noise added to the densities (as scikit-image). */
    public static final double TIE_NOISE = 1e-5;

    private Quickshift() {
    }

    /**
     * Segments an image with tie-breaking noise drawn from {@code new SplittableRandom(seed)}.
     *
     * @param pixels     height·width·channels values in [0, 1] (channels interleaved; 1 = grey, 3 = sRGB)
     * @param kernelSize σ of the Gaussian density kernel, in pixels (≥ 1)
     * @param maxDist    longest link in the joint colour-position space
     * @param ratio      weight of colour against position (Lab values are multiplied by it)
     * @return the segment of each pixel, 0..K−1
     */
    public static int[] segment(double[] pixels, int height, int width, int channels, double kernelSize,
            double maxDist, double ratio, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] noise = new double[height * width];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = TIE_NOISE * random.nextGaussian();
        }
        return segment(pixels, height, width, channels, kernelSize, maxDist, ratio, noise);
    }

    /** As {@link #segment(double[], int, int, int, double, double, double, long)} with given density noise. */
    public static int[] segment(double[] pixels, int height, int width, int channels, double kernelSize,
            double maxDist, double ratio, double[] noise) {
        return labels(forest(pixels, height, width, channels, kernelSize, maxDist, ratio, noise));
    }

    /** The forest before labelling: each pixel's parent (itself for a root) and its noisy density. */
    record Forest(int[] parent, double[] density) {
    }

    static Forest forest(double[] pixels, int height, int width, int channels, double kernelSize, double maxDist,
            double ratio, double[] noise) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int n = height * width;
        if (pixels.length != n * channels || noise.length != n) {
            throw new IllegalArgumentException("expected " + n * channels + " values and " + n + " noise values");
        }
        if (!(kernelSize >= 1) || Double.isInfinite(kernelSize)) {
            throw new IllegalArgumentException("kernelSize must be >= 1 and finite, got " + kernelSize);
        }
        double[] lab = lab(pixels, n, channels, ratio);
        int w = (int) Math.ceil(3 * kernelSize);
        double scale = -0.5 / (kernelSize * kernelSize);
        // Kernel values of pixels of equal colour (flat areas, most of a digit's background): the same
        // exp((dr² + dc²)·scale) the loop would compute, looked up instead.
        double[] flat = new double[(w + 1) * (2 * w + 1)];
        for (int dr = 0; dr <= w; dr++) {
            for (int dc = -w; dc <= w; dc++) {
                double d = 0.0 + (double) dr * dr;
                flat[dr * (2 * w + 1) + dc + w] = Math.exp((d + (double) dc * dc) * scale);
            }
        }
        // Densities: every pair within the window once (the kernel is symmetric), plus exp(0) = 1 for the pixel.
        double[] density = new double[n];
        for (int r = 0; r < height; r++) {
            int rMax = Math.min(r + w, height - 1);
            for (int c = 0; c < width; c++) {
                int p = r * width + c;
                double l0 = lab[3 * p];
                double a0 = lab[3 * p + 1];
                double b0 = lab[3 * p + 2];
                double sum = 1;
                for (int r2 = r; r2 <= rMax; r2++) {
                    int c2Min = r2 == r ? c + 1 : Math.max(c - w, 0);
                    int c2Max = Math.min(c + w, width - 1);
                    double dr = r - r2;
                    int flatRow = (r2 - r) * (2 * w + 1) + w - c;
                    for (int c2 = c2Min; c2 <= c2Max; c2++) {
                        int q = r2 * width + c2;
                        double k;
                        if (lab[3 * q] == l0 && lab[3 * q + 1] == a0 && lab[3 * q + 2] == b0) {
                            k = flat[flatRow + c2];
                        } else {
                            k = Math.exp(distance(l0, a0, b0, lab, q, dr, c - c2) * scale);
                        }
                        sum += k;
                        density[q] += k;
                    }
                }
                density[p] += sum;
            }
        }
        for (int p = 0; p < n; p++) {
            density[p] += noise[p];
        }
        // Links: the nearest strictly denser pixel of the window, first in raster order on equal distance.
        int[] parent = new int[n];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int p = r * width + c;
                double own = density[p];
                double l0 = lab[3 * p];
                double a0 = lab[3 * p + 1];
                double b0 = lab[3 * p + 2];
                // A denser 8-neighbour at squared distance `bound` limits the search to |Δrow|, |Δcol| with
                // Δ² <= bound: every pixel at most that far lies there, in the same raster order, so the
                // result is the full window's.
                double bound = Double.MAX_VALUE;
                for (int r2 = Math.max(r - 1, 0); r2 <= Math.min(r + 1, height - 1); r2++) {
                    for (int c2 = Math.max(c - 1, 0); c2 <= Math.min(c + 1, width - 1); c2++) {
                        int q = r2 * width + c2;
                        if (density[q] > own) {
                            bound = Math.min(bound, distance(l0, a0, b0, lab, q, r - r2, c - c2));
                        }
                    }
                }
                int reach = w;
                if (bound < (double) w * w) {
                    reach = (int) Math.sqrt(bound);
                    while ((double) (reach + 1) * (reach + 1) <= bound) {
                        reach++;
                    }
                }
                int rMin = Math.max(r - reach, 0);
                int rMax = Math.min(r + reach, height - 1);
                double closest = Double.MAX_VALUE;
                int best = p;
                int c2Min = Math.max(c - reach, 0);
                int c2Max = Math.min(c + reach, width - 1);
                for (int r2 = rMin; r2 <= rMax; r2++) {
                    double dr = r - r2;
                    for (int c2 = c2Min; c2 <= c2Max; c2++) {
                        int q = r2 * width + c2;
                        if (density[q] > own) {
                            double d = distance(l0, a0, b0, lab, q, dr, c - c2);
                            if (d < closest) {
                                closest = d;
                                best = q;
                            }
                        }
                    }
                }
                // scikit-image compares sqrt(closest) > maxDist; sqrt is correctly rounded and monotone, so
                // compare that way too rather than closest > maxDist² (which can differ in the last bit).
                parent[p] = best != p && Math.sqrt(closest) <= maxDist ? best : p;
            }
        }
        return new Forest(parent, density);
    }

    /** Squared joint distance, summed in the order scikit-image sums it (L, a, b, row, column). */
    private static double distance(double l0, double a0, double b0, double[] lab, int q, double dr, double dc) {
        double t = l0 - lab[3 * q];
        double d = t * t;
        t = a0 - lab[3 * q + 1];
        d += t * t;
        t = b0 - lab[3 * q + 2];
        d += t * t;
        d += dr * dr;
        return d + dc * dc;
    }

    /** Roots of the forest, numbered in raster order. */
    static int[] labels(Forest forest) {
        int[] parent = forest.parent();
        int n = parent.length;
        int[] root = new int[n];
        Arrays.fill(root, -1);
        int[] path = new int[n];
        for (int p = 0; p < n; p++) {
            int len = 0;
            int q = p;
            while (root[q] < 0 && parent[q] != q) {
                path[len++] = q;
                q = parent[q];
            }
            int top = root[q] >= 0 ? root[q] : q;
            root[q] = top;
            for (int i = 0; i < len; i++) {
                root[path[i]] = top;
            }
        }
        int[] label = new int[n];
        int[] number = new int[n];
        Arrays.fill(number, -1);
        int next = 0;
        for (int p = 0; p < n; p++) {
            if (root[p] == p) {
                number[p] = next++;
            }
        }
        for (int p = 0; p < n; p++) {
            label[p] = number[root[p]];
        }
        return label;
    }

    /**
     * CIE Lab of sRGB values (grey = R = G = B) multiplied by {@code ratio}: sRGB decoding, the sRGB→XYZ matrix,
     * the D65 white (0.95047, 1, 1.08883), f(t) = ∛t above 0.008856 and 7.787t + 16/116 below.
     */
    static double[] lab(double[] pixels, int n, int channels, double ratio) {
        double[] out = new double[3 * n];
        for (int p = 0; p < n; p++) {
            double r = linear(pixels[p * channels]);
            double g = channels == 3 ? linear(pixels[p * channels + 1]) : r;
            double b = channels == 3 ? linear(pixels[p * channels + 2]) : r;
            double x = f((r * 0.412453 + g * 0.357580 + b * 0.180423) / 0.95047);
            double y = f(r * 0.212671 + g * 0.715160 + b * 0.072169);
            double z = f((r * 0.019334 + g * 0.119193 + b * 0.950227) / 1.08883);
            out[3 * p] = (116 * y - 16) * ratio;
            out[3 * p + 1] = 500 * (x - y) * ratio;
            out[3 * p + 2] = 200 * (y - z) * ratio;
        }
        return out;
    }

    private static double linear(double v) {
        return v > 0.04045 ? Math.pow((v + 0.055) / 1.055, 2.4) : v / 12.92;
    }

    private static double f(double t) {
        return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116.0;
    }
}
