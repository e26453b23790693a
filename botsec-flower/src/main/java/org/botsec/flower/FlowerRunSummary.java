package org.botsec.flower;

import java.util.List;

/**
 * The outcome of {@link FlowerClient#run()}.
 *
 * @param nodeId the node ID the SuperLink gave this client
 * @param events one entry per message handled, in order
 * @param seed   the seed of the local training's shuffling (replayable given the same messages)
 */
public record FlowerRunSummary(long nodeId, List<FlowerEvent> events, long seed) {
    public FlowerRunSummary {
        events = List.copyOf(events);
    }

    /** Messages answered with trained arrays. */
    public long trainReplies() {
        return events.stream().filter(e -> e.error().isEmpty() && e.messageType().startsWith("train")).count();
    }

    /** Messages answered with evaluation metrics. */
    public long evaluateReplies() {
        return events.stream().filter(e -> e.error().isEmpty() && e.messageType().startsWith("evaluate")).count();
    }

    /** Messages answered with an error. */
    public long errorReplies() {
        return events.stream().filter(e -> e.error().isPresent()).count();
    }
}
