package org.botsec.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import java.util.Objects;
import org.botsec.guard.Direction;
import org.botsec.guard.Guard;
import org.botsec.guard.Verdict;

/**
 * A LangChain4j {@link OutputGuardrail} backed by a BotSec {@link Guard}: the model's answer is scanned as
 * {@link Direction#OUTPUT}; {@code allow} returns it, {@code redact} returns the redacted text instead,
 * {@code block} is a fatal failure (LangChain4j throws an {@code OutputGuardrailException}; no retry, since
 * asking the model again is not a safe default for a leak).
 *
 * <p><b>Security guarantees.</b> An answer without text (only tool calls) passes unscanned. Failure messages
 * carry the guard's reasons, never the answer's text. Thread-safe when the guard is.
 */
public class BotsecOutputGuardrail implements OutputGuardrail {
    private final Guard guard;

    /** Uses {@link BotsecGuardrails#sharedGuard()}; this is the constructor LangChain4j calls for annotations. */
    public BotsecOutputGuardrail() {
        this(BotsecGuardrails.sharedGuard());
    }

    public BotsecOutputGuardrail(Guard guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    @Override
    public OutputGuardrailResult validate(AiMessage responseFromLLM) {
        String text = responseFromLLM.text();
        if (text == null) {
            return success();
        }
        Verdict v = guard.scan(text, Direction.OUTPUT);
        return switch (v.action()) {
            case ALLOW -> success();
            case REDACT -> successWith(v.text());
            case BLOCK -> fatal("blocked by BotSec: " + String.join("; ", v.reasons()));
        };
    }
}
