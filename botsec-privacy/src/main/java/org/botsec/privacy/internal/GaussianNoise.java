package org.botsec.privacy.internal;

import java.util.random.RandomGenerator;

/**
 * Fills arrays with independent N(0, scale²) samples, drawing random bits in bulk ({@link
 * RandomGenerator#nextBytes}) — one call per array instead of one per sample, which matters for
 * {@link java.security.SecureRandom} — and turning them into normals with Marsaglia's polar method (53-bit
 * uniforms). Not thread-safe (owns a buffer).
 *
 * <p>Known limitation: like every floating-point Gaussian sampler, the output lies on a finite set of doubles;
 * Mironov (CCS 2012) showed such artefacts can leak for the Laplace mechanism. DP-SGD adds this noise to
 * gradients that are themselves rounded, and no attack on it is known, but the guarantee is for the ideal
 * real-valued mechanism.
 */
public final class GaussianNoise {
    private static final double INV_2_53 = 1.0 / (1L << 53);

    private final RandomGenerator generator;
    private byte[] buffer = new byte[0];

    public GaussianNoise(RandomGenerator generator) {
        this.generator = generator;
    }

    /**
     * Adds scale·N(0, 1) to each element of {@code out}, by Marsaglia's polar method: (u, v) uniform in the square
     * [-1, 1)², rejected unless 0 &lt; s = u² + v² &lt; 1, gives the two independent normals u·√(-2 ln s / s) and
     * v·√(-2 ln s / s) (exact; no trigonometric functions, about 21% of pairs rejected).
     */
    public void add(double[] out, double scale) {
        int n = out.length;
        int i = 0;
        while (i < n) {
            int pairsNeeded = (n - i + 1) / 2;
            // 4/π pairs per accepted pair on average, plus a margin; refill when exhausted
            int pairs = pairsNeeded + pairsNeeded / 3 + 16;
            int need = pairs * 16;
            if (buffer.length < need) {
                buffer = new byte[need];
            }
            generator.nextBytes(buffer);
            for (int b = 0; b + 16 <= need && i < n; b += 16) {
                double u = 2.0 * ((readLong(buffer, b) >>> 11) * INV_2_53) - 1.0;
                double v = 2.0 * ((readLong(buffer, b + 8) >>> 11) * INV_2_53) - 1.0;
                double s = u * u + v * v;
                if (s >= 1.0 || s == 0.0) {
                    continue;
                }
                double f = scale * Math.sqrt(-2.0 * Math.log(s) / s);
                out[i++] += u * f;
                if (i < n) {
                    out[i++] += v * f;
                }
            }
        }
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private static long readLong(byte[] a, int off) {
        return (long) LONGS.get(a, off);
    }
}
