package org.botsec.core.model.internal.mlp;

/**
 * The rows of a batch sorted by group (a counting sort): the members of group g are
 * {@code order[start[g]] .. order[start[g+1]-1]}, in increasing row order.
 */
public final class GroupIndex {
    private final int[] order;
    private final int[] start;

    private GroupIndex(int[] order, int[] start) {
        this.order = order;
        this.start = start;
    }

    /**
     * Indexes {@code groups} (one entry per row, each in [0, numGroups)).
     *
     * @throws IllegalArgumentException when a group index is out of range
     */
    public static GroupIndex of(int[] groups, int numGroups) {
        if (numGroups < 1) {
            throw new IllegalArgumentException("numGroups must be >= 1, got " + numGroups);
        }
        int[] start = new int[numGroups + 1];
        for (int i = 0; i < groups.length; i++) {
            int g = groups[i];
            if (g < 0 || g >= numGroups) {
                throw new IllegalArgumentException(
                        "groups[" + i + "] must be in [0, " + numGroups + "), got " + g);
            }
            start[g + 1]++;
        }
        for (int g = 0; g < numGroups; g++) {
            start[g + 1] += start[g];
        }
        int[] next = java.util.Arrays.copyOf(start, numGroups);
        int[] order = new int[groups.length];
        for (int i = 0; i < groups.length; i++) {
            order[next[groups[i]]++] = i;
        }
        return new GroupIndex(order, start);
    }

    public int numGroups() {
        return start.length - 1;
    }

    public int size(int group) {
        return start[group + 1] - start[group];
    }

    /** The k-th member (row index) of {@code group}. */
    public int member(int group, int k) {
        return order[start[group] + k];
    }
}
