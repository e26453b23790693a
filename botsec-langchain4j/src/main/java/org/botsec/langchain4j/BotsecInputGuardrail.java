package org.botsec.langchain4j;

import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailResult;
import java.util.Objects;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Guard;
import org.botsec.guard.Verdict;

/**
 * A LangChain4j {@link InputGuardrail} backed by a BotSec {@link Guard}: the user message is scanned as
 * {@link Direction#INPUT}; {@code allow} passes it on, {@code redact} replaces its text with the redacted text
 * before the model sees it, {@code block} is a fatal failure (LangChain4j throws an
 * {@code InputGuardrailException} and the model is never called).
 *
 * <p><b>Security guarantees.</b> Only text contents are scanned; a message that also carries images or other
 * media is blocked when any of its text parts is blocked, and its text parts are scanned one by one. Failure
 * messages carry the guard's reasons, which never contain the user's text. Thread-safe when the guard is.
 */
public class BotsecInputGuardrail implements InputGuardrail {
    private final Guard guard;

    /** Uses {@link BotsecGuardrails#sharedGuard()}; this is the constructor LangChain4j calls for annotations. */
    public BotsecInputGuardrail() {
        this(BotsecGuardrails.sharedGuard());
    }

    public BotsecInputGuardrail(Guard guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    @Override
    public InputGuardrailResult validate(UserMessage userMessage) {
        if (userMessage.hasSingleText()) {
            Verdict v = guard.scan(userMessage.singleText(), Direction.INPUT);
            return switch (v.action()) {
                case ALLOW -> success();
                case REDACT -> successWith(v.text());
                case BLOCK -> fatal("blocked by BotSec: " + String.join("; ", v.reasons()));
            };
        }
        boolean redacted = false;
        for (Content c : userMessage.contents()) {
            if (c instanceof TextContent t) {
                Verdict v = guard.scan(t.text(), Direction.INPUT);
                if (v.action() == Action.BLOCK) {
                    return fatal("blocked by BotSec: " + String.join("; ", v.reasons()));
                }
                redacted |= v.action() == Action.REDACT;
            }
        }
        // A multi-part message cannot be rewritten through successWith(String); refuse rather than leak.
        return redacted ? fatal("blocked by BotSec: personal data in a multi-part message") : success();
    }
}
