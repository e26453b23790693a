package org.botsec.privacy.bench;

import java.util.random.RandomGenerator;

/**
 * The polar-method sampler that {@code GaussianNoise} used before the ziggurat (commit 5392088), kept here only as
 * the benchmark's baseline: Marsaglia's polar method on 53-bit uniforms drawn in bulk, ≈ 10.2 random bytes and one
 * log and one square root per pair of samples.
 */
final class PolarNoise {
    private static final double INV_2_53 = 1.0 / (1L << 53);

    private final RandomGenerator generator;
    private byte[] buffer = new byte[0];

    PolarNoise(RandomGenerator generator) {
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
