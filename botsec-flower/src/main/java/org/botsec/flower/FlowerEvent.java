package org.botsec.flower;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the client did with one message from the SuperLink.
 *
 * @param messageType the message's type ({@code train}, {@code evaluate}, or one the client does not handle)
 * @param round       the message's group ID (Flower's server round), empty when it had none
 * @param error       present when the client replied with an error, naming why
 * @param metrics     the metrics of the reply (for train: {@code train_loss}, {@code num-examples}; for evaluate:
 *                    {@code eval_loss}, {@code eval_acc}, {@code num-examples}); empty for error replies
 * @param replied     whether the reply reached the SuperLink (false when the run had ended or the message expired)
 */
public record FlowerEvent(String messageType, String round, Optional<String> error, Map<String, Double> metrics,
                          boolean replied) {
    public FlowerEvent {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
