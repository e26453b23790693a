package org.botsec.federated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionTest {
    /** 1,000 rows, 10 balanced classes, stored sorted by label (the worst case for a naive split). */
    private static int[] sortedLabels() {
        return IntStream.range(0, 1000).map(i -> i / 100).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"iid", "dirichlet:0.1", "dirichlet:100", "shards:2", "shards:3"})
    void everyRowIsAssignedExactlyOnceAndEveryClientHasARow(String spec) {
        int[] labels = sortedLabels();
        int[][] parts = Partition.parse(spec).assign(labels, 10, 50, new SplittableRandom(7));
        int[] seen = new int[labels.length];
        for (int[] rows : parts) {
            assertTrue(rows.length >= 1, spec);
            for (int r : rows) {
                seen[r]++;
            }
        }
        for (int count : seen) {
            assertEquals(1, count, spec);
        }
    }

    @Test
    void twoShardsGiveEachClientAtMostTwoLabels() {
        // McMahan et al. 2017: 200 shards of a label-sorted set, 2 per client; 100 rows per class and
        // 10-row shards keep every shard inside one class, so each client sees at most 2 labels
        int[] labels = sortedLabels();
        int[][] parts = Partition.shards(2).assign(labels, 10, 50, new SplittableRandom(1));
        int maxLabels = 0;
        for (int[] rows : parts) {
            assertEquals(20, rows.length);
            maxLabels = Math.max(maxLabels, (int) IntStream.of(rows).map(r -> labels[r]).distinct().count());
        }
        assertTrue(maxLabels <= 2, "a client saw " + maxLabels + " labels");
        // IID, by contrast, gives 20-row clients several labels: the property is not vacuous
        int[][] iid = Partition.iid().assign(labels, 10, 50, new SplittableRandom(1));
        double meanLabels = java.util.Arrays.stream(iid)
                .mapToLong(rows -> IntStream.of(rows).map(r -> labels[r]).distinct().count()).average().orElse(0);
        assertTrue(meanLabels > 5, "iid mean labels " + meanLabels);
    }

    /** Mean over clients of the share of its largest class: 1 = one class each, 0.1 = balanced. */
    private static double meanMaxShare(int[][] parts, int[] labels) {
        double s = 0;
        for (int[] rows : parts) {
            int[] counts = new int[10];
            for (int r : rows) {
                counts[labels[r]]++;
            }
            s += (double) IntStream.of(counts).max().orElse(0) / rows.length;
        }
        return s / parts.length;
    }

    @Test
    void smallDirichletAlphaIsFarMoreSkewedThanLargeAlpha() {
        int[] labels = sortedLabels();
        double skewed = meanMaxShare(Partition.dirichlet(0.1).assign(labels, 10, 20, new SplittableRandom(3)), labels);
        double even = meanMaxShare(Partition.dirichlet(100).assign(labels, 10, 20, new SplittableRandom(3)), labels);
        // Dir(0.1) puts most of a client's mass on one class; Dir(100) is close to the 0.1 of a balanced client
        assertTrue(skewed > 0.6, "alpha 0.1 max share " + skewed);
        assertTrue(even < 0.25, "alpha 100 max share " + even);
    }

    @Test
    void deterministicGivenTheSeed() {
        int[] labels = sortedLabels();
        Partition p = Partition.dirichlet(0.5);
        assertTrue(java.util.Arrays.deepEquals(p.assign(labels, 10, 30, new SplittableRandom(9)),
                p.assign(labels, 10, 30, new SplittableRandom(9))));
    }

    @Test
    void badSpecsAndImpossibleSplitsGiveOneLine() {
        for (String bad : new String[] {"dirichlet:0", "dirichlet:-1", "dirichlet:x", "shards:0", "zipf", "shards:"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> Partition.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad) || e.getMessage().contains("alpha")
                    || e.getMessage().contains("shards"), e.getMessage());
        }
        assertThrows(BadInputException.class,
                () -> Partition.iid().assign(new int[] {0, 1, 0}, 2, 4, new SplittableRandom(1)));
        assertThrows(BadInputException.class,
                () -> Partition.shards(2).assign(sortedLabels(), 10, 600, new SplittableRandom(1)));
    }
}
