package org.botsec.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Softmax} against a 60-digit {@link BigDecimal} oracle (exp by Taylor series with argument halving, log by
 * the atanh series), over random logits of every scale and the extremes ±1000, ±1e300.
 */
class SoftmaxTest {
    private static final MathContext MC = new MathContext(60);

    @Test
    void softmaxAndCrossEntropyMatchTheHighPrecisionOracle() {
        SplittableRandom rng = new SplittableRandom(11);
        double[] scales = {1e-3, 1, 30, 300, 1000, 1e5};
        for (double scale : scales) {
            for (int trial = 0; trial < 20; trial++) {
                int k = 3 + rng.nextInt(8);
                double[] z = new double[k];
                for (int c = 0; c < k; c++) {
                    z[c] = scale * (2 * rng.nextDouble() - 1) + (trial % 2 == 0 ? 0 : 700);
                }
                checkRow(z, rng.nextInt(k));
            }
        }
        checkRow(new double[] {1000, -1000, 0}, 1);
        checkRow(new double[] {-1000, -1000, -999}, 0);
        checkRow(new double[] {1e300, -1e300, 1e300}, 1);
        checkRow(new double[] {1000, 1000 - 1e-9, 1000}, 1);
    }

    private static void checkRow(double[] z, int label) {
        int k = z.length;
        double[] p = new double[k];
        double loss = Softmax.softmaxCrossEntropy(z, 0, k, label, p, 0);
        BigDecimal[] e = new BigDecimal[k];
        BigDecimal max = new BigDecimal(z[0]);
        for (double v : z) {
            max = max.max(new BigDecimal(v));
        }
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal rest = BigDecimal.ZERO.subtract(BigDecimal.ONE);
        for (int c = 0; c < k; c++) {
            e[c] = exp(new BigDecimal(z[c]).subtract(max, MC));
            sum = sum.add(e[c], MC);
            rest = rest.add(e[c]); // unrounded: Σ e − 1 keeps terms far below 10^-60
        }
        BigDecimal lnSum = rest.compareTo(BigDecimal.ONE) <= 0 ? ln1p(rest) : ln(sum);
        // the sum of the small exponentials inherits their conditioning (see below)
        double spread = 0;
        for (double v : z) {
            spread = Math.max(spread, Math.min(Math.abs(v - max.doubleValue()), 1e6));
        }
        for (int c = 0; c < k; c++) {
            double exact = e[c].divide(sum, MC).doubleValue();
            // z_c − max is rounded to the ulp of the larger operand, a relative error of up to |z_c − max|·2^-53
            // in e^{z_c − max}: the condition number of exp at that argument, inherent to any double softmax.
            double conditioning = Math.abs(z[c] - max.doubleValue());
            assertClose(exact, p[c], k + Math.min(conditioning, 1e6), "softmax " + java.util.Arrays.toString(z)
                    + " c=" + c);
        }
        double exactLoss = lnSum.subtract(new BigDecimal(z[label]).subtract(max, MC), MC).doubleValue();
        assertClose(exactLoss, loss, k + spread, "cross-entropy");
        double[] q = new double[k];
        Softmax.softmax(z, 0, k, q, 0);
        assertEquals(p[0], q[0], 0.0);
        double exactLse = max.add(lnSum, MC).doubleValue();
        assertClose(exactLse, Softmax.logSumExp(z, 0, k), k + spread, "logsumexp");
    }

    @Test
    void sigmoidSoftplusAndBinaryProbabilitiesMatchTheOracle() {
        double[] zs = {0, 1e-300, -1e-12, 0.5, -0.5, 3, -3, 36.7, -36.7, 40, -40, 300, -300, 709, -709, 745, -745,
                1000, -1000, 1e300, -1e300};
        Matrix scores = new Matrix(zs.length, 1, zs.clone());
        Matrix p = Softmax.probabilities(scores, 2);
        for (int i = 0; i < zs.length; i++) {
            BigDecimal z = new BigDecimal(zs[i]);
            // σ(z) = 1 / (1 + e^{−z}); for huge |z| the oracle's exp would take long, and the double answer is 0 or 1.
            double exact1;
            double exact0;
            double exactSoftplus;
            if (Math.abs(zs[i]) > 2000) {
                exact1 = zs[i] > 0 ? 1 : 0;
                exact0 = 1 - exact1;
                exactSoftplus = Math.max(zs[i], 0);
            } else {
                BigDecimal em = exp(z.negate());
                exact1 = BigDecimal.ONE.divide(BigDecimal.ONE.add(em, MC), MC).doubleValue();
                exact0 = em.divide(BigDecimal.ONE.add(em, MC), MC).doubleValue();
                // softplus(z) = ln(1 + e^z) = max(z, 0) + ln1p(e^{−|z|}), without rounding 1 + tiny to 1
                exactSoftplus = z.max(BigDecimal.ZERO).add(ln1p(exp(z.abs().negate())), MC).doubleValue();
            }
            assertClose(exact1, Softmax.sigmoid(zs[i]), "sigmoid(" + zs[i] + ")");
            assertClose(exact0, Softmax.sigmoid(-zs[i]), "sigmoid(" + -zs[i] + ")");
            assertClose(exact0, p.get(i, 0), "P(0) at " + zs[i]);
            assertClose(exact1, p.get(i, 1), "P(1) at " + zs[i]);
            assertClose(exactSoftplus, Softmax.softplus(zs[i]), "softplus(" + zs[i] + ")");
            assertClose(exactSoftplus, Softmax.binaryCrossEntropy(zs[i], 0), "loss y=0 at " + zs[i]);
            assertEquals(Softmax.sigmoid(zs[i]), Softmax.probabilities(new double[] {zs[i]})[1], 0.0);
        }
    }

    @Test
    void shapesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> Softmax.probabilities(new Matrix(2, 3), 2));
        assertThrows(IllegalArgumentException.class, () -> Softmax.probabilities(new double[2]));
        assertThrows(IllegalArgumentException.class,
                () -> Softmax.softmaxCrossEntropy(new double[3], 0, 3, 3, new double[3], 0));
    }

    private static void assertClose(double exact, double actual, String what) {
        assertClose(exact, actual, 1, what);
    }

    /**
     * |actual − exact| within (k + 3) ulps of the exact value: one rounding per exponential summed, one for exp,
     * one for the division or log1p, one spare.
     */
    private static void assertClose(double exact, double actual, double k, String what) {
        double tol = (k + 3) * Math.ulp(exact) + 4 * Double.MIN_VALUE;
        assertTrue(Math.abs(actual - exact) <= tol, what + ": " + actual + " vs exact " + exact);
    }

    /** e^x for x ≤ 0 (and moderate x ≥ 0) to 60 digits: halve x until |x| &lt; 1/2, Taylor series, square back. */
    static BigDecimal exp(BigDecimal x) {
        if (x.compareTo(BigDecimal.valueOf(-1000)) < 0) {
            return BigDecimal.ZERO; // e^{-1000} ≈ 5e-435: 0 in double next to a sum ≥ 1, and the series would be slow
        }
        int halvings = 0;
        BigDecimal y = x;
        while (y.abs().compareTo(new BigDecimal("0.5")) > 0) {
            y = y.divide(BigDecimal.valueOf(2), MC);
            halvings++;
        }
        MathContext wide = new MathContext(60 + 2 * halvings);
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int n = 1; n < 80; n++) {
            term = term.multiply(y, wide).divide(BigDecimal.valueOf(n), wide);
            sum = sum.add(term, wide);
        }
        for (int i = 0; i < halvings; i++) {
            sum = sum.multiply(sum, wide);
        }
        return sum.round(MC);
    }

    /** ln(s) for s &gt; 0 to ~60 digits: ln s = 2·atanh((s − 1)/(s + 1)) after dividing out powers of 2. */
    static BigDecimal ln(BigDecimal s) {
        int twos = 0;
        BigDecimal v = s;
        BigDecimal two = BigDecimal.valueOf(2);
        while (v.compareTo(two) > 0) {
            v = v.divide(two, MC);
            twos++;
        }
        while (v.compareTo(BigDecimal.ONE) < 0) {
            v = v.multiply(two, MC);
            twos--;
        }
        BigDecimal t = v.subtract(BigDecimal.ONE).divide(v.add(BigDecimal.ONE), MC);
        BigDecimal t2 = t.multiply(t, MC);
        BigDecimal power = t;
        BigDecimal sum = BigDecimal.ZERO;
        for (int n = 1; n < 400; n += 2) {
            sum = sum.add(power.divide(BigDecimal.valueOf(n), MC), MC);
            power = power.multiply(t2, MC);
        }
        BigDecimal ln2 = twos == 0 ? BigDecimal.ZERO : ln2().multiply(BigDecimal.valueOf(twos), MC);
        return sum.multiply(two, MC).add(ln2, MC);
    }

    /** ln(1 + u) for 0 ≤ u ≤ 1: 2·atanh(u / (2 + u)), never forming 1 + u. */
    static BigDecimal ln1p(BigDecimal u) {
        BigDecimal t = u.divide(BigDecimal.valueOf(2).add(u, MC), MC);
        BigDecimal t2 = t.multiply(t, MC);
        BigDecimal power = t;
        BigDecimal sum = BigDecimal.ZERO;
        for (int n = 1; n < 200; n += 2) {
            sum = sum.add(power.divide(BigDecimal.valueOf(n), MC), MC);
            power = power.multiply(t2, MC);
        }
        return sum.multiply(BigDecimal.valueOf(2), MC);
    }

    private static BigDecimal ln2() {
        // ln 2 = 2·atanh(1/3)
        BigDecimal t = BigDecimal.ONE.divide(BigDecimal.valueOf(3), MC);
        BigDecimal t2 = t.multiply(t, MC);
        BigDecimal power = t;
        BigDecimal sum = BigDecimal.ZERO;
        for (int n = 1; n < 200; n += 2) {
            sum = sum.add(power.divide(BigDecimal.valueOf(n), MC), MC);
            power = power.multiply(t2, MC);
        }
        return sum.multiply(BigDecimal.valueOf(2), MC);
    }
}
