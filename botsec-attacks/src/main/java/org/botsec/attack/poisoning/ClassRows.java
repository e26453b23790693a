package org.botsec.attack.poisoning;

import java.util.ArrayList;
import java.util.List;
import org.botsec.core.linalg.Matrix;

/** Row indices grouped by label, and copies of those rows of a representation matrix. */
final class ClassRows {
    private ClassRows() {
    }

    static List<int[]> byClass(int[] y, int numClasses) {
        int[] counts = new int[numClasses];
        for (int v : y) {
            counts[v]++;
        }
        List<int[]> out = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            out.add(new int[counts[c]]);
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < y.length; i++) {
            out.get(y[i])[fill[y[i]]++] = i;
        }
        return out;
    }

    static double[][] rows(Matrix r, int[] idx) {
        double[][] out = new double[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = r.row(idx[i]);
        }
        return out;
    }
}
