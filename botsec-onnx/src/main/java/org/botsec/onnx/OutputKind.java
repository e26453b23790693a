package org.botsec.onnx;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.botsec.core.BadInputException;

/** What an ONNX classifier's output holds. */
public enum OutputKind {
    /** Class probabilities (rows in [0, 1] summing to 1, e.g. after a Softmax node); checked on every batch. */
    PROBABILITIES("probabilities"),
    /** Unnormalised scores; BotSec applies the softmax (or, for one column, the sigmoid of class 1). */
    LOGITS("logits");

    private final String label;

    OutputKind(String label) {
        this.label = label;
    }

    /** The lower-case CLI and file spelling. */
    public String label() {
        return label;
    }

    /** The kind spelled {@code s} ({@code probabilities} or {@code logits}). */
    public static OutputKind parse(String s) {
        for (OutputKind k : values()) {
            if (k.label.equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw BadInputException.of("output kind must be one of %s, got %s",
                Arrays.stream(values()).map(OutputKind::label).collect(Collectors.joining(", ")), s);
    }
}
