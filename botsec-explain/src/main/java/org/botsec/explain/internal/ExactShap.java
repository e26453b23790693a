package org.botsec.explain.internal;

import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.Link;

/**
 * Exact Shapley values (Shapley 1953, "A Value for n-Person Games"; as SHAP values: Lundberg &amp; Lee 2017, eq. 8)
 * by enumerating all 2^M coalitions of the M varying features: φ_i = Σ_{S ∌ i} |S|!(M−|S|−1)!/M! · (v(S ∪ i) − v(S)).
 */
public final class ExactShap {
    private ExactShap() {
    }

    /**
     * @param maxFeatures largest M accepted (2^M coalitions × background rows model evaluations)
     */
    public static ShapValues explain(CoalitionValueFunction values, Matrix background, int label, Link link,
            double[] x, int maxFeatures) {
        int[] cols = VaryingFeatures.of(x, background);
        int m = cols.length;
        if (m > maxFeatures) {
            throw BadInputException.of("exact Shapley values enumerate 2^M coalitions; %d varying features is "
                    + "above the limit of %d, use --method kernel", m, maxFeatures);
        }
        double[] probs = values.probabilities(x);
        double fx = link.apply(probs[label]);
        double base = link.apply(values.backgroundOutput());
        int count = 1 << m;
        byte[] masks = new byte[count * m];
        for (int s = 0; s < count; s++) {
            for (int f = 0; f < m; f++) {
                masks[s * m + f] = (byte) ((s >> f) & 1);
            }
        }
        double[] v = values.expectedOutputs(x, cols, masks, count);
        for (int s = 0; s < count; s++) {
            v[s] = link.apply(v[s]);
        }
        v[0] = base;
        v[count - 1] = fx;
        // Shapley weights |S|!(M−|S|−1)!/M! = 1/(M·C(M−1, |S|)), by size.
        double[] w = new double[Math.max(m, 1)];
        for (int s = 0; s < m; s++) {
            w[s] = 1.0 / (m * binomial(m - 1, s));
        }
        double[] phi = new double[x.length];
        for (int f = 0; f < m; f++) {
            int bit = 1 << f;
            double acc = 0;
            for (int s = 0; s < count; s++) {
                if ((s & bit) == 0) {
                    acc += w[Integer.bitCount(s)] * (v[s | bit] - v[s]);
                }
            }
            phi[cols[f]] = acc;
        }
        return new ShapValues(phi, base, fx, probs, count);
    }

    private static double binomial(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return r;
    }
}
