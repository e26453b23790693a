package org.botsec.privacy.internal;

import java.util.random.RandomGenerator;

/**
 * Fills arrays with independent N(0, scale²) samples, drawing random bits in bulk ({@link
 * RandomGenerator#nextBytes}) — one call per array instead of one per sample, which matters for
 * {@link java.security.SecureRandom} — and turning them into normals with the Box-Muller transform
 * (53-bit uniforms; u₁ ∈ (0, 1] so that log u₁ is finite). Not thread-safe (owns a buffer).
 *
 * <p>Known limitation: like every floating-point Gaussian sampler, the output lies on a finite set of doubles;
 * Mironov (CCS 2012) showed such artefacts can leak for the Laplace mechanism. DP-SGD adds this noise to
 * gradients that are themselves rounded, and no attack on it is known, but the guarantee is for the ideal
 * real-valued mechanism.
 */
public final class GaussianNoise {
    private static final double TWO_PI = 2 * Math.PI;
    private static final double INV_2_53 = 1.0 / (1L << 53);

    private final RandomGenerator generator;
    private byte[] buffer = new byte[0];

    public GaussianNoise(RandomGenerator generator) {
        this.generator = generator;
    }

    /** Adds scale·N(0, 1) to each element of {@code out}. */
    public void add(double[] out, double scale) {
        int n = out.length;
        int pairs = (n + 1) / 2;
        int need = pairs * 16;
        if (buffer.length < need) {
            buffer = new byte[need];
        }
        generator.nextBytes(buffer);
        int b = 0;
        for (int p = 0; p < pairs; p++) {
            long l1 = readLong(buffer, b) >>> 11;
            long l2 = readLong(buffer, b + 8) >>> 11;
            b += 16;
            double u1 = (l1 + 1) * INV_2_53; // (0, 1]
            double u2 = l2 * INV_2_53; // [0, 1)
            double r = Math.sqrt(-2.0 * Math.log(u1));
            double angle = TWO_PI * u2;
            int i = 2 * p;
            out[i] += scale * r * Math.cos(angle);
            if (i + 1 < n) {
                out[i + 1] += scale * r * Math.sin(angle);
            }
        }
    }

    private static long readLong(byte[] a, int off) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = (v << 8) | (a[off + k] & 0xffL);
        }
        return v;
    }
}
