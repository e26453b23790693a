package org.botsec.guard;

import java.util.List;

/**
 * Finds one kind of thing in a message: personal data, an injection attempt, a secret. A scanner only reports;
 * the {@link GuardPipeline} decides what to do with what it found.
 *
 * <p><b>Security guarantees.</b> Implementations must be thread-safe and must run in time linear in the
 * length of the text (BotSec's own scanners use RE2/J, never backtracking regular expressions), so that a
 * crafted message cannot stall the caller.
 */
public interface Scanner {
    /** The scanner's name as used in policy files, e.g. {@code pii}. */
    String name();

    /** Everything found in {@code text}; spans are UTF-16 offsets into {@code text}. Never null. */
    List<Detection> scan(String text, Direction direction);
}
