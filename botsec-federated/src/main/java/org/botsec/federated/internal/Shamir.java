package org.botsec.federated.internal;

import java.math.BigInteger;
import java.util.Random;

/**
 * Shamir secret sharing (Shamir 1979, "How to Share a Secret") over the prime field GF(p), p = 2^521 − 1 (a
 * Mersenne prime, larger than any 256-bit secret): a random polynomial of degree t − 1 with the secret as constant
 * term, evaluated at x = 1 … n; any t shares give the secret back by Lagrange interpolation at 0, and t − 1 shares
 * are independent of it. The arithmetic is BigInteger's; no cryptographic primitive is written here.
 */
public final class Shamir {
    /** The field's prime, 2^521 − 1. */
    public static final BigInteger P = BigInteger.ONE.shiftLeft(521).subtract(BigInteger.ONE);

    private Shamir() {
    }

    /**
     * Shares of {@code secret} (0 ≤ secret &lt; p) at x = 1 … n with threshold t.
     *
     * @param random the source of the polynomial's coefficients: a secure generator outside tests
     */
    public static BigInteger[] split(BigInteger secret, int n, int t, Random random) {
        if (t < 1 || t > n) {
            throw new IllegalArgumentException("threshold must be in [1, " + n + "], got " + t);
        }
        if (secret.signum() < 0 || secret.compareTo(P) >= 0) {
            throw new IllegalArgumentException("secret out of the field");
        }
        BigInteger[] coef = new BigInteger[t];
        coef[0] = secret;
        for (int i = 1; i < t; i++) {
            coef[i] = new BigInteger(521, random).mod(P);
        }
        BigInteger[] shares = new BigInteger[n];
        for (int x = 1; x <= n; x++) {
            BigInteger bx = BigInteger.valueOf(x);
            BigInteger y = BigInteger.ZERO;
            for (int i = t - 1; i >= 0; i--) {
                y = y.multiply(bx).add(coef[i]).mod(P);
            }
            shares[x - 1] = y;
        }
        return shares;
    }

    /** The secret from shares {@code ys} at distinct points {@code xs} (Lagrange interpolation at 0). */
    public static BigInteger reconstruct(int[] xs, BigInteger[] ys) {
        if (xs.length != ys.length || xs.length == 0) {
            throw new IllegalArgumentException("need as many points as shares, at least one");
        }
        BigInteger s = BigInteger.ZERO;
        for (int i = 0; i < xs.length; i++) {
            BigInteger num = BigInteger.ONE;
            BigInteger den = BigInteger.ONE;
            for (int j = 0; j < xs.length; j++) {
                if (j != i) {
                    num = num.multiply(BigInteger.valueOf(-xs[j])).mod(P);
                    den = den.multiply(BigInteger.valueOf(xs[i] - xs[j])).mod(P);
                }
            }
            s = s.add(ys[i].multiply(num).multiply(den.modInverse(P))).mod(P);
        }
        return s;
    }
}
