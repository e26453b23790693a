package org.botsec.guard;

import java.util.List;
import org.botsec.core.finding.Finding;

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

    /**
     * Everything found in {@code text}, as {@link Finding}s whose {@link Finding#span() spans} are UTF-16 offsets
     * into {@code text}; never null. A finding meant for redaction needs a text span (the pipeline blocks a
     * message it cannot redact); give it an {@link GuardFindings#ENTITY_TYPE} evidence entry to choose the
     * {@code <TYPE>} it is redacted as, and a score whose basis says what the number is.
     */
    List<Finding> scan(String text, Direction direction);
}
