package org.botsec.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded, stratified train/test splits and folds. Stateless and thread-safe. */
public final class Splits {
    private Splits() {
    }

    /**
     * A stratified split: in each class, the rows are shuffled with {@code new SplittableRandom(seed)} (classes
     * visited in index order, one generator for all) and the first {@code round(testFraction · classSize)} go to
     * the test part. Each class with at least two rows keeps at least one row in each part.
     *
     * @param y            class index per row (non-negative)
     * @param testFraction in (0, 1)
     * @param seed         shuffle seed (recorded by callers so the split can be replayed)
     * @return {@code {trainIdx, testIdx}}, each sorted ascending
     */
    public static int[][] stratified(int[] y, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
        }
        List<List<Integer>> byClass = byClass(y);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] train = new int[y.length];
        int[] test = new int[y.length];
        int nTrain = 0;
        int nTest = 0;
        for (List<Integer> members : byClass) {
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            shuffle(idx, rng);
            int k = (int) Math.round(testFraction * idx.length);
            if (idx.length >= 2) {
                k = Math.max(1, Math.min(idx.length - 1, k));
            }
            for (int i = 0; i < idx.length; i++) {
                if (i < k) {
                    test[nTest++] = idx[i];
                } else {
                    train[nTrain++] = idx[i];
                }
            }
        }
        int[] tr = Arrays.copyOf(train, nTrain);
        int[] te = Arrays.copyOf(test, nTest);
        Arrays.sort(tr);
        Arrays.sort(te);
        return new int[][] {tr, te};
    }

    /**
     * Stratified k-fold assignment: in each class the rows are shuffled (one {@code SplittableRandom(seed)}) and
     * dealt to folds round-robin, continuing across classes, so fold sizes differ by at most one.
     *
     * @return fold index in [0, k) for every row
     */
    public static int[] stratifiedFolds(int[] y, int k, long seed) {
        if (k < 2 || k > y.length) {
            throw new IllegalArgumentException("k must be in [2, " + y.length + "], got " + k);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] fold = new int[y.length];
        int next = 0;
        for (List<Integer> members : byClass(y)) {
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            shuffle(idx, rng);
            for (int i : idx) {
                fold[i] = next;
                next = (next + 1) % k;
            }
        }
        return fold;
    }

    /** Indices with {@code fold[i] == f} (test) or {@code != f} (train), ascending. */
    public static int[] foldIndices(int[] fold, int f, boolean inFold) {
        return java.util.stream.IntStream.range(0, fold.length).filter(i -> (fold[i] == f) == inFold).toArray();
    }

    private static List<List<Integer>> byClass(int[] y) {
        int k = 0;
        for (int v : y) {
            if (v < 0) {
                throw new IllegalArgumentException("class index must be >= 0, got " + v);
            }
            k = Math.max(k, v + 1);
        }
        List<List<Integer>> byClass = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < y.length; i++) {
            byClass.get(y[i]).add(i);
        }
        return byClass;
    }

    /** Fisher–Yates shuffle. */
    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
