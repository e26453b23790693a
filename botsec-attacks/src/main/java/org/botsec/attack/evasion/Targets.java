package org.botsec.attack.evasion;

import java.util.Locale;
import org.botsec.core.BadInputException;

/**
 * Which label an untargeted attack pushes away from: the true label, or the model's own clean prediction (IBM
 * ART's {@code generate(x, y)} versus {@code generate(x)}; the latter avoids "label leaking", Kurakin et al. 2017).
 * The two differ only on rows the model already gets wrong.
 */
public enum Targets {
    TRUE("true"),
    PREDICTED("predicted");

    private final String label;

    Targets(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Targets parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> TRUE;
            case "predicted" -> PREDICTED;
            default -> throw BadInputException.of("targets must be true or predicted, got '%s'", v);
        };
    }
}
