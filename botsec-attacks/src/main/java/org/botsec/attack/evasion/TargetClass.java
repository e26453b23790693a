package org.botsec.attack.evasion;

import java.util.Locale;
import org.botsec.core.BadInputException;

/**
 * How a targeted attack (JSMA) picks the class each row should be pushed <em>into</em>, from the row's label t (the
 * true label or the clean prediction, see {@link Targets}).
 */
public enum TargetClass {
    /** (t + 1) mod k: deterministic, the usual choice in published JSMA tables. */
    NEXT("next"),
    /** Uniform among the classes other than t, from the attack's seed (IBM ART's default for JSMA). */
    RANDOM("random"),
    /** The class other than t with the highest clean probability: the easiest target. */
    SECOND("second");

    private final String label;

    TargetClass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static TargetClass parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (TargetClass c : values()) {
            if (c.label.equals(v)) {
                return c;
            }
        }
        throw BadInputException.of("target class must be next, random or second, got '%s'", v);
    }
}
