package org.botsec.federated;

import java.util.Arrays;
import java.util.List;

/** Krum scores (Blanchard et al. 2017): per update, the sum of its n − f − 2 smallest squared distances. */
final class KrumScores {
    private KrumScores() {
    }

    static double[] scores(List<ClientUpdate> updates, int f) {
        int n = updates.size();
        double[][] dist = new double[n][n];
        for (int i = 0; i < n; i++) {
            double[] a = updates.get(i).deltaView();
            for (int j = i + 1; j < n; j++) {
                double[] b = updates.get(j).deltaView();
                double s = 0;
                for (int t = 0; t < a.length; t++) {
                    double d = a[t] - b[t];
                    s += d * d;
                }
                dist[i][j] = s;
                dist[j][i] = s;
            }
        }
        int keep = n - f - 2;
        double[] scores = new double[n];
        double[] others = new double[n - 1];
        for (int i = 0; i < n; i++) {
            int pos = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    others[pos++] = dist[i][j];
                }
            }
            Arrays.sort(others);
            double s = 0;
            for (int t = 0; t < keep; t++) {
                s += others[t];
            }
            scores[i] = s;
        }
        return scores;
    }

    /** Update indices by ascending score; ties by index, so the choice is deterministic. */
    static int[] order(List<ClientUpdate> updates, int f) {
        double[] s = scores(updates, f);
        Integer[] idx = new Integer[s.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(s[a], s[b]) != 0 ? Double.compare(s[a], s[b]) : Integer.compare(a, b));
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
