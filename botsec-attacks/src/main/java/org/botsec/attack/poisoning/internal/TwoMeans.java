package org.botsec.attack.poisoning.internal;

import java.util.SplittableRandom;

/**
 * k-means with k = 2 (Lloyd's iterations from k-means++ seeds, Arthur &amp; Vassilvitskii 2007), best of several
 * seeded restarts by within-cluster sum of squares.
 *
 * @param assignment cluster (0 or 1) of each row
 * @param inertia    within-cluster sum of squared distances
 */
public record TwoMeans(int[] assignment, double inertia) {
    private static final int MAX_ITERATIONS = 100;

    public static TwoMeans fit(double[][] x, int restarts, SplittableRandom rng) {
        TwoMeans best = null;
        for (int r = 0; r < restarts; r++) {
            TwoMeans t = once(x, rng);
            if (best == null || t.inertia < best.inertia) {
                best = t;
            }
        }
        return best;
    }

    private static TwoMeans once(double[][] x, SplittableRandom rng) {
        int n = x.length;
        int d = x[0].length;
        double[][] centres = new double[2][];
        centres[0] = x[rng.nextInt(n)].clone();
        double[] dist = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            dist[i] = sq(x[i], centres[0]);
            total += dist[i];
        }
        int second = rng.nextInt(n);
        if (total > 0) {
            double u = rng.nextDouble() * total;
            for (int i = 0; i < n; i++) {
                u -= dist[i];
                if (u <= 0) {
                    second = i;
                    break;
                }
            }
        }
        centres[1] = x[second].clone();
        int[] a = new int[n];
        double inertia = 0;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            boolean changed = it == 0;
            inertia = 0;
            for (int i = 0; i < n; i++) {
                double d0 = sq(x[i], centres[0]);
                double d1 = sq(x[i], centres[1]);
                int c = d1 < d0 ? 1 : 0;
                inertia += Math.min(d0, d1);
                if (c != a[i]) {
                    a[i] = c;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            double[][] sums = new double[2][d];
            int[] counts = new int[2];
            for (int i = 0; i < n; i++) {
                counts[a[i]]++;
                for (int j = 0; j < d; j++) {
                    sums[a[i]][j] += x[i][j];
                }
            }
            for (int c = 0; c < 2; c++) {
                if (counts[c] == 0) {
                    continue; // keep an empty cluster's centre where it was
                }
                for (int j = 0; j < d; j++) {
                    centres[c][j] = sums[c][j] / counts[c];
                }
            }
        }
        return new TwoMeans(a, inertia);
    }

    private static double sq(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }
}
