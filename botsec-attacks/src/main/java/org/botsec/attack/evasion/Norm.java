package org.botsec.attack.evasion;

import java.util.Locale;
import org.botsec.core.BadInputException;

/** The norm that bounds a perturbation (and, for gradient attacks, shapes the step direction). */
public enum Norm {
    /** max_j |δ_j|: every feature may move by up to ε; steps follow sign(∇). */
    LINF("linf"),
    /** sqrt(Σ_j δ_j²): the total Euclidean change is at most ε; steps follow ∇ / ‖∇‖₂. */
    L2("l2");

    private final String label;

    Norm(String label) {
        this.label = label;
    }

    /** The CLI and JSON name: {@code linf} or {@code l2}. */
    public String label() {
        return label;
    }

    /** Parses {@code linf}/{@code inf} or {@code l2}/{@code 2}. */
    public static Norm parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "linf", "inf", "l-inf" -> LINF;
            case "l2", "2" -> L2;
            default -> throw BadInputException.of("norm must be linf or l2, got '%s'", v);
        };
    }
}
