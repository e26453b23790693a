package org.botsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.botsec.attack.poisoning.internal.SymmetricEigen;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.Test;

/**
 * The detectors on synthetic representations where the answer is known by construction: a linear model has no
 * hidden layer, so the detectors see the input features themselves.
 */
class DetectorsSyntheticTest {
    static final int D = 6;

    /**
     * Class 0: 180 rows N(0, I) plus 20 rows shifted by 6 along e_0 (the planted poison, rows 180..199); class 1:
     * 200 rows N(0, I) around (0, 3, 0, ...). Everything else equal, the shifted rows are the only structure.
     */
    static Dataset planted(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 400;
        double[] x = new double[n * D];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i < 200 ? 0 : 1;
            for (int j = 0; j < D; j++) {
                x[i * D + j] = gaussian(r);
            }
            if (i >= 180 && i < 200) {
                x[i * D] += 6;
            }
            if (i >= 200) {
                x[i * D + 1] += 3;
            }
        }
        List<String> names = IntStream.range(0, D).mapToObj(j -> "f" + j).toList();
        return new Dataset(new Matrix(n, D, x), y, names, List.of("a", "b"), "");
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    static boolean[] truth() {
        boolean[] m = new boolean[400];
        for (int i = 180; i < 200; i++) {
            m[i] = true;
        }
        return m;
    }

    static LinearModel model(Dataset d) {
        return LinearModel.zeros(d.featureNames(), d.classNames());
    }

    @Test
    void spectralSignaturesFlagThePlantedRowsFirst() {
        Dataset d = planted(1);
        // ε = 0.1 of class 0 → flag ceil(1.5 · 0.1 · 200) = 30 rows per class; all 20 planted rows among them
        Detection det = new SpectralSignatures(0.1).detect(d, model(d));
        DetectionQuality q = DetectionQuality.of(det.flaggedRows(), truth());
        assertEquals(60, q.flagged());
        assertEquals(1.0, q.recall(), "recall " + q);
        // the 20 highest scores of class 0 are exactly the planted rows
        double[] s = new SpectralSignatures(0.1).scores(d, model(d));
        int[] top = IntStream.range(0, 200).boxed().sorted((a, b) -> Double.compare(s[b], s[a])).limit(20)
                .mapToInt(Integer::intValue).sorted().toArray();
        assertArrayEquals(IntStream.range(180, 200).toArray(), top);
    }

    @Test
    void activationClusteringFlagsTheSmallSeparateClusterAndLeavesTheBlobAlone() {
        Dataset d = planted(2);
        Detection det = new ActivationClustering(5, 0.35, 7).detect(d, model(d));
        DetectionQuality q = DetectionQuality.of(det.flaggedRows(), truth());
        // every planted row, and at most a Gaussian-tail row or two of class a besides
        assertEquals(1.0, q.recall(), det.details().toString());
        assertTrue(q.precision() >= 0.9, q + " " + det.details());
        assertTrue(IntStream.of(det.flaggedRows()).allMatch(i -> i < 200), "nothing of the unimodal class b");
    }

    @Test
    void activationClusteringFlagsNothingOnUnimodalClasses() {
        // the same data without the shift: 2-means cuts each Gaussian near its middle, far above the 0.35 share
        Dataset d = planted(3);
        double[] x = d.x().data();
        for (int i = 180; i < 200; i++) {
            x[i * D] -= 6;
        }
        Detection det = new ActivationClustering(5, 0.35, 7).detect(d, model(d));
        assertEquals(0, det.flaggedRows().length, det.details().toString());
    }

    @Test
    void jacobiEigenvectorsReconstructTheMatrix() {
        SplittableRandom r = new SplittableRandom(5);
        int d = 12;
        double[][] rows = new double[40][d];
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                row[j] = gaussian(r) * (j + 1);
            }
        }
        double[] a = SymmetricEigen.centreAndScatter(rows, new double[d]);
        SymmetricEigen e = SymmetricEigen.of(a, d);
        for (int p = 0; p < d; p++) {
            for (int q = 0; q < d; q++) {
                double s = 0;
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    s += e.values()[k] * e.vectors()[k][p] * e.vectors()[k][q];
                    dot += e.vectors()[p][k] * e.vectors()[q][k];
                }
                assertEquals(a[p * d + q], s, 1e-9 * (1 + Math.abs(a[p * d + q])));
                assertEquals(p == q ? 1 : 0, dot, 1e-12);
            }
        }
        for (int k = 1; k < d; k++) {
            assertTrue(e.values()[k - 1] >= e.values()[k]);
        }
    }

    @Test
    void precisionAndRecallCountAgainstTheMask() {
        boolean[] mask = {true, true, false, false, true};
        DetectionQuality q = DetectionQuality.of(new int[]{0, 2, 4}, mask);
        assertEquals(new DetectionQuality(3, 3, 2, 2 / 3.0, 2 / 3.0), q);
        assertEquals(new DetectionQuality(0, 3, 0, 0, 0), DetectionQuality.of(new int[0], mask));
    }
}
