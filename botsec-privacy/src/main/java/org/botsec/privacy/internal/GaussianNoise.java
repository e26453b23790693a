package org.botsec.privacy.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.random.RandomGenerator;

/**
 * Fills arrays with independent N(0, scale²) samples by the ziggurat method of Marsaglia and Tsang (J. Stat.
 * Softw. 5(8), 2000), 256 layers. Random bits are drawn in 32 KB chunks ({@link RandomGenerator#nextBytes}: one
 * call per 4,096 words rather than one per sample, which matters for {@link java.security.SecureRandom}, and small
 * enough to be converted while still in cache). Not thread-safe (owns a buffer).
 *
 * <p>Each attempt takes one 64-bit word: bits 0–7 pick the layer, bit 8 the sign and bits 11–63 a 53-bit uniform
 * U, so the sample U·x_i has the full resolution of a double uniform (a 32-bit ziggurat would put the noise on a
 * coarse grid, and noise on a grid coarser than the gradient's own rounding reveals the gradient's low-order bits
 * — the floating-point attack of Mironov, CCS 2012). About 98.8% of attempts are accepted at once by one
 * comparison; the rest go through the wedge test (one exp) or Marsaglia's exact tail sampler beyond r =
 * 3.6541528853610088, each with extra words. On average this takes 8.18 random bytes per sample (counted over 10⁷
 * samples), against ≈ 10.2
 * for the polar method (two 53-bit uniforms per attempt, π/4 accepted), and no logarithm or square root on the
 * fast path; with a SecureRandom, producing the random bytes is most of the cost.
 *
 * <p>The tables are computed at class initialisation from r alone: the common layer area v = r·f(r) + ∫_r^∞ f with
 * f(x) = exp(−x²/2), then x_1 = r and x_{i+1} = f⁻¹(v/x_i + f(x_i)); x_0 = v/f(r) is the base strip's width and
 * x_256 = 0. The recursion closes (the top layer's area equals v) to a relative 8e-11.
 *
 * <p>Known limitation: like every floating-point Gaussian sampler, the output lies on a finite set of doubles;
 * Mironov (CCS 2012) showed such artefacts can leak for the Laplace mechanism. DP-SGD adds this noise to
 * gradients that are themselves rounded, and no attack on it is known, but the guarantee is for the ideal
 * real-valued mechanism.
 */
public final class GaussianNoise {
    private static final double INV_2_53 = 1.0 / (1L << 53);
    /** Start of the tail (Marsaglia and Tsang's r for 256 layers). */
    static final double R = 3.6541528853610088;
    /** Right edge x_i of layer i (x_0: the base strip's width v / f(r)); x_256 = 0. */
    private static final double[] X = new double[257];
    /** f(x_i) = exp(−x_i²/2); f(x_0) is not used. */
    private static final double[] F = new double[257];

    static {
        double fr = Math.exp(-0.5 * R * R);
        double v = R * fr + Math.sqrt(Math.PI / 2) * SpecialFunctions.erfc(R / Math.sqrt(2));
        X[0] = v / fr;
        X[1] = R;
        F[1] = fr;
        for (int i = 2; i < 256; i++) {
            X[i] = Math.sqrt(-2 * Math.log(v / X[i - 1] + F[i - 1]));
            F[i] = Math.exp(-0.5 * X[i] * X[i]);
        }
        X[256] = 0;
        F[256] = 1;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Random words per {@link RandomGenerator#nextBytes} call: 32 KB, so they are still in cache when used. */
    static final int CHUNK_BYTES = 1 << 15;

    private final RandomGenerator generator;
    private final byte[] chunk;
    /** Next unread byte of {@link #chunk}; words left over at the end of a call are used by the next one. */
    private int position;

    public GaussianNoise(RandomGenerator generator) {
        this(generator, CHUNK_BYTES);
    }

    /** With a chunk of {@code chunkBytes} (a multiple of 8; tests use small ones to cross chunk ends often). */
    GaussianNoise(RandomGenerator generator, int chunkBytes) {
        if (chunkBytes < 8 || chunkBytes % 8 != 0) {
            throw new IllegalArgumentException("chunk must be a positive multiple of 8 bytes, got " + chunkBytes);
        }
        this.generator = generator;
        this.chunk = new byte[chunkBytes];
        this.position = chunkBytes;
    }

    /** Adds scale·N(0, 1) to each element of {@code out}. */
    public void add(double[] out, double scale) {
        add(out, 0, out.length, scale);
    }

    /** Adds scale·N(0, 1) to each element of {@code out[from, to)}. */
    public void add(double[] out, int from, int to, double scale) {
        if (from < 0 || to > out.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of an array of " + out.length);
        }
        byte[] b = chunk;
        int limit = b.length;
        for (int k = from; k < to; k++) {
            int p = position;
            if (p + 8 > limit) {
                refill();
                p = 0;
            }
            long w = (long) LONGS.get(b, p);
            int i = (int) (w & 0xFF);
            double x = ((w >>> 11) * INV_2_53) * X[i];
            position = p + 8;
            if (x < X[i + 1]) {
                out[k] += scale * ((w & 0x100) == 0 ? x : -x);
            } else {
                out[k] += scale * slowPath(w, i, x);
            }
        }
    }

    /**
     * The rest of the algorithm for an attempt (word w, layer i, candidate x) that the fast comparison did not
     * accept: the tail for the base strip, the wedge test otherwise, and fresh attempts until one is accepted.
     */
    private double slowPath(long w, int i, double x) {
        while (true) {
            boolean negative = (w & 0x100) != 0;
            if (x < X[i + 1]) {
                return negative ? -x : x;
            }
            if (i == 0) {
                // Marsaglia (1964): the tail beyond r, exactly. 1 − U lies in (0, 1], so the logarithms are finite.
                double a;
                double c;
                do {
                    a = -Math.log(1.0 - uniform()) / R;
                    c = -Math.log(1.0 - uniform());
                } while (c + c < a * a);
                return negative ? -(R + a) : R + a;
            }
            // wedge between layer i's rectangle and the curve: accept (x, y) with y uniform in [f(x_i), f(x_{i+1})]
            if (F[i] + uniform() * (F[i + 1] - F[i]) < Math.exp(-0.5 * x * x)) {
                return negative ? -x : x;
            }
            w = nextWord();
            i = (int) (w & 0xFF);
            x = ((w >>> 11) * INV_2_53) * X[i];
        }
    }

    private double uniform() {
        return (nextWord() >>> 11) * INV_2_53;
    }

    private long nextWord() {
        if (position + 8 > chunk.length) {
            refill();
        }
        long w = (long) LONGS.get(chunk, position);
        position += 8;
        return w;
    }

    private void refill() {
        generator.nextBytes(chunk);
        position = 0;
    }

    /** Layer edges for tests (a copy). */
    static double[] layerEdges() {
        return X.clone();
    }
}
