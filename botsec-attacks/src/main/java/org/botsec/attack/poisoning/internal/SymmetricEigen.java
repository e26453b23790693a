package org.botsec.attack.poisoning.internal;

/**
 * Eigenvalues and eigenvectors of a small symmetric matrix by the cyclic Jacobi method (Golub &amp; Van Loan,
 * "Matrix Computations", §8.5). Used on d×d covariance matrices of hidden representations (d ≤ a few hundred),
 * where its robustness to clustered eigenvalues matters more than speed.
 *
 * @param values  eigenvalues, descending
 * @param vectors {@code vectors[j]} is the unit eigenvector of {@code values[j]}
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
    private static final int MAX_SWEEPS = 100;

    /** Decomposes the symmetric {@code d×d} matrix {@code a} (row-major); {@code a} is not modified. */
    public static SymmetricEigen of(double[] a, int d) {
        double[] m = a.clone();
        double[] v = new double[d * d];
        for (int i = 0; i < d; i++) {
            v[i * d + i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < d; p++) {
                diag += m[p * d + p] * m[p * d + p];
                for (int q = p + 1; q < d; q++) {
                    off += m[p * d + q] * m[p * d + q];
                }
            }
            if (off <= 1e-30 * Math.max(diag, 1e-300)) {
                break;
            }
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    double apq = m[p * d + q];
                    if (apq == 0) {
                        continue;
                    }
                    double app = m[p * d + p];
                    double aqq = m[q * d + q];
                    // rotation angle that zeroes a_pq (G&VL Algorithm 8.5.1)
                    double tau = (aqq - app) / (2 * apq);
                    double t = Math.signum(tau) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
                    if (tau == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = t * c;
                    for (int k = 0; k < d; k++) {
                        double akp = m[k * d + p];
                        double akq = m[k * d + q];
                        m[k * d + p] = c * akp - s * akq;
                        m[k * d + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++) {
                        double apk = m[p * d + k];
                        double aqk = m[q * d + k];
                        m[p * d + k] = c * apk - s * aqk;
                        m[q * d + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++) {
                        double vkp = v[k * d + p];
                        double vkq = v[k * d + q];
                        v[k * d + p] = c * vkp - s * vkq;
                        v[k * d + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        double[] diagonal = new double[d];
        for (int i = 0; i < d; i++) {
            diagonal[i] = m[i * d + i];
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(diagonal[y], diagonal[x]));
        double[] values = new double[d];
        double[][] vectors = new double[d][d];
        for (int j = 0; j < d; j++) {
            int col = order[j];
            values[j] = diagonal[col];
            for (int k = 0; k < d; k++) {
                vectors[j][k] = v[k * d + col];
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /** Centres the rows of {@code x} (n×d) in place and returns their scatter matrix XᵀX (d×d, row-major). */
    public static double[] centreAndScatter(double[][] x, double[] meanOut) {
        int n = x.length;
        int d = meanOut.length;
        java.util.Arrays.fill(meanOut, 0);
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                meanOut[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            meanOut[j] /= Math.max(n, 1);
        }
        double[] s = new double[d * d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] -= meanOut[j];
            }
            for (int j = 0; j < d; j++) {
                double rj = row[j];
                if (rj == 0) {
                    continue;
                }
                for (int k = j; k < d; k++) {
                    s[j * d + k] += rj * row[k];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < j; k++) {
                s[j * d + k] = s[k * d + j];
            }
        }
        return s;
    }
}
