package org.botsec.privacy.internal;

/**
 * In-place iterative radix-2 complex FFT on separate real and imaginary arrays (Cooley-Tukey). Twiddle
 * factors are computed directly with {@link Math#cos}/{@link Math#sin} rather than by recurrence, so that the
 * transform is accurate to a few ulps per level — the PLD accountant raises transforms to powers of 10⁵.
 */
public final class Fft {
    private Fft() {
    }

    /** The smallest power of two ≥ n (n ≥ 1). */
    public static int nextPowerOfTwo(long n) {
        if (n > (1 << 30)) {
            throw new IllegalArgumentException("FFT length too large: " + n);
        }
        int l = 1;
        while (l < n) {
            l <<= 1;
        }
        return l;
    }

    /**
     * Transforms (re, im) in place; their length must be a power of two. {@code inverse} uses the positive
     * exponent and divides by the length.
     */
    public static void transform(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        if (n != im.length || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two, got " + n);
        }
        // bit reversal permutation
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        int half = n / 2;
        double[] cos = new double[Math.max(1, half)];
        double[] sin = new double[Math.max(1, half)];
        double sign = inverse ? 1.0 : -1.0;
        for (int k = 0; k < half; k++) {
            double angle = 2.0 * Math.PI * k / n;
            cos[k] = Math.cos(angle);
            sin[k] = sign * Math.sin(angle);
        }
        for (int len = 2; len <= n; len <<= 1) {
            int h = len >> 1;
            int stride = n / len;
            for (int start = 0; start < n; start += len) {
                for (int k = 0; k < h; k++) {
                    double wr = cos[k * stride];
                    double wi = sin[k * stride];
                    int a = start + k;
                    int b = a + h;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
        if (inverse) {
            double s = 1.0 / n;
            for (int i = 0; i < n; i++) {
                re[i] *= s;
                im[i] *= s;
            }
        }
    }
}
