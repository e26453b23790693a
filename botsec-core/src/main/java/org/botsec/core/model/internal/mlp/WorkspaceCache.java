package org.botsec.core.model.internal.mlp;

/**
 * Keeps the workspaces of the two most recently used batch sizes (a training epoch alternates between the batch
 * size and the size of the last, partial batch). Not thread-safe.
 */
public final class WorkspaceCache {
    private final int[] layerSizes;
    private Workspace recent;
    private Workspace previous;

    public WorkspaceCache(int[] layerSizes) {
        this.layerSizes = layerSizes.clone();
    }

    /** A workspace for {@code batchSize} rows, reused when that size was seen in one of the last two calls. */
    public Workspace get(int batchSize) {
        if (recent != null && recent.batchSize() == batchSize) {
            return recent;
        }
        Workspace w;
        if (previous != null && previous.batchSize() == batchSize) {
            w = previous;
        } else {
            w = new Workspace(layerSizes, batchSize);
        }
        previous = recent;
        recent = w;
        return w;
    }
}
