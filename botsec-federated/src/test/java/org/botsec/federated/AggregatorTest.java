package org.botsec.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;

class AggregatorTest {
    private static List<ClientUpdate> random(int n, int p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ClientUpdate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] d = new double[p];
            for (int j = 0; j < p; j++) {
                d[j] = r.nextGaussian() * (i == 0 ? 10 : 1);
            }
            out.add(new ClientUpdate(i, d, 1 + r.nextInt(20)));
        }
        return out;
    }

    @Test
    void weightedMeanByHand() {
        List<ClientUpdate> u = List.of(new ClientUpdate(0, new double[] {1, 2}, 1),
                new ClientUpdate(1, new double[] {4, -1}, 3));
        // (1·1 + 3·4)/4 = 3.25, (1·2 + 3·(−1))/4 = −0.25
        assertArrayEquals(new double[] {3.25, -0.25}, new Aggregator.WeightedMean().aggregate(u), 1e-15);
    }

    private static double sqDist(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return s;
    }

    /** Brute force: the smallest sum of squared distances over every subset of n − f − 2 other updates. */
    private static double bruteScore(List<ClientUpdate> u, int i, int f) {
        int n = u.size();
        int keep = n - f - 2;
        double best = Double.POSITIVE_INFINITY;
        for (int mask = 0; mask < (1 << n); mask++) {
            if ((mask >> i & 1) != 0 || Integer.bitCount(mask) != keep) {
                continue;
            }
            double s = 0;
            for (int j = 0; j < n; j++) {
                if ((mask >> j & 1) != 0) {
                    s += sqDist(u.get(i).delta(), u.get(j).delta());
                }
            }
            best = Math.min(best, s);
        }
        return best;
    }

    @Test
    void krumChoosesTheBruteForceMinimum() {
        for (long seed = 1; seed <= 5; seed++) {
            List<ClientUpdate> u = random(9, 4, seed);
            int f = 2;
            double[] scores = new double[u.size()];
            int best = 0;
            for (int i = 0; i < u.size(); i++) {
                scores[i] = bruteScore(u, i, f);
                if (scores[i] < scores[best]) {
                    best = i;
                }
            }
            assertArrayEquals(u.get(best).delta(), new Aggregator.Krum(f).aggregate(u), 0.0, "seed " + seed);
            // Multi-Krum with m = 3: mean of the three lowest brute-force scores
            Integer[] idx = {0, 1, 2, 3, 4, 5, 6, 7, 8};
            Arrays.sort(idx, (a, b) -> Double.compare(scores[a], scores[b]));
            double[] mean = new double[4];
            for (int k = 0; k < 3; k++) {
                for (int j = 0; j < 4; j++) {
                    mean[j] += u.get(idx[k]).delta()[j] / 3;
                }
            }
            assertArrayEquals(mean, new Aggregator.MultiKrum(f, 3).aggregate(u), 1e-12, "seed " + seed);
        }
    }

    @Test
    void krumNeedsMoreThanTwoFPlusTwoUpdates() {
        assertThrows(BadInputException.class, () -> new Aggregator.Krum(2).aggregate(random(6, 3, 1)));
    }

    @Test
    void medianAndTrimmedMeanPerCoordinateBySorting() {
        for (int n : new int[] {5, 6, 11}) {
            List<ClientUpdate> u = random(n, 7, n);
            double[] med = new Aggregator.Median().aggregate(u);
            double[] trim = new Aggregator.TrimmedMean(0.2).aggregate(u);
            int cut = (int) Math.floor(0.2 * n);
            for (int j = 0; j < 7; j++) {
                double[] col = new double[n];
                for (int i = 0; i < n; i++) {
                    col[i] = u.get(i).delta()[j];
                }
                Arrays.sort(col);
                double expectMed = n % 2 == 1 ? col[n / 2] : (col[n / 2 - 1] + col[n / 2]) / 2;
                assertEquals(expectMed, med[j], 0.0);
                double s = 0;
                for (int i = cut; i < n - cut; i++) {
                    s += col[i];
                }
                assertEquals(s / (n - 2 * cut), trim[j], 1e-12);
            }
        }
    }

    @Test
    void normBoundClipsThenAveragesByHand() {
        List<ClientUpdate> u = List.of(new ClientUpdate(0, new double[] {3, 4}, 1),
                new ClientUpdate(1, new double[] {0.6, 0.8}, 1));
        // first has norm 5 → clipped to norm 1: (0.6, 0.8); second already has norm 1
        assertArrayEquals(new double[] {0.6, 0.8}, new Aggregator.NormBound(1).aggregate(u), 1e-15);
    }

    @Test
    void mismatchedLengthsGiveOneLine() {
        List<ClientUpdate> u = List.of(new ClientUpdate(0, new double[] {1, 2}, 1),
                new ClientUpdate(1, new double[] {1, 2, 3}, 1));
        BadInputException e = assertThrows(BadInputException.class, () -> new Aggregator.Median().aggregate(u));
        assertEquals("client 1 sent 3 values, client 0 sent 2", e.getMessage());
    }

    @Test
    void parseNamesEveryChoiceAndRejectsTheRest() {
        assertEquals(new Aggregator.MultiKrum(1, 4), Aggregator.parse("multi-krum:4", 1));
        assertEquals(new Aggregator.TrimmedMean(0.1), Aggregator.parse("trimmed-mean:0.1", 0));
        assertEquals(new Aggregator.NormBound(2), Aggregator.parse("norm-bound:2", 0));
        for (String bad : new String[] {"krum:3", "trimmed-mean:0.5", "norm-bound:0", "multi-krum:0", "avg"}) {
            assertThrows(BadInputException.class, () -> Aggregator.parse(bad, 1), bad);
        }
    }
}
