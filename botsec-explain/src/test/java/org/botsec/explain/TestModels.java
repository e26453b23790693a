package org.botsec.explain;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.botsec.core.linalg.Matrix;

/** Small models for tests, written here so the explainers can be checked without trained models. */
final class TestModels {
    private TestModels() {
    }

    /**
     * A bag-of-words logistic model on lower-cased words (each word counted once), with a negation-like
     * interaction so that the function is not additive in the words: "not" flips the sign of "good"/"awesome".
     */
    static Matrix sentiment(List<String> texts) {
        Map<String, Double> w = Map.of("awesome", 2.0, "good", 1.2, "was", -0.4, "movie", -0.1, "the", 0.05,
                "bad", -1.5, "boring", -1.0);
        Matrix out = new Matrix(texts.size(), 2);
        for (int i = 0; i < texts.size(); i++) {
            java.util.Set<String> words = new java.util.HashSet<>();
            for (String t : texts.get(i).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}_]+")) {
                if (!t.isEmpty()) {
                    words.add(t);
                }
            }
            double z = -0.2;
            boolean not = words.contains("not");
            for (String t : words) {
                double v = w.getOrDefault(t, 0.0);
                if (not && (t.equals("good") || t.equals("awesome"))) {
                    v = -v;
                }
                z += v;
            }
            double p = 1.0 / (1.0 + Math.exp(-z));
            out.set(i, 0, 1 - p);
            out.set(i, 1, p);
        }
        return out;
    }

    /**
     * Weighted ridge with intercept written independently of the library: normal equations of the augmented
     * design [1, X] with √w rows, penalty α on the slopes only, solved by Gaussian elimination with pivoting.
     * Returns {intercept, coef...}.
     */
    static double[] ridgeOracle(double[][] x, double[] y, double[] w, double alpha) {
        int n = x.length;
        int p = x[0].length + 1;
        double[][] a = new double[p][p + 1];
        for (int i = 0; i < n; i++) {
            double[] row = new double[p];
            row[0] = 1;
            System.arraycopy(x[i], 0, row, 1, p - 1);
            for (int r = 0; r < p; r++) {
                for (int c = 0; c < p; c++) {
                    a[r][c] += w[i] * row[r] * row[c];
                }
                a[r][p] += w[i] * row[r] * y[i];
            }
        }
        for (int r = 1; r < p; r++) {
            a[r][r] += alpha;
        }
        for (int col = 0; col < p; col++) {
            int piv = col;
            for (int r = col + 1; r < p; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
                    piv = r;
                }
            }
            double[] t = a[col];
            a[col] = a[piv];
            a[piv] = t;
            for (int r = 0; r < p; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= p; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] out = new double[p];
        for (int r = 0; r < p; r++) {
            out[r] = a[r][p] / a[r][r];
        }
        return out;
    }

    static long binomial(int n, int k) {
        long r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return r;
    }
}
