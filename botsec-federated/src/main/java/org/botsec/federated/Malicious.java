package org.botsec.federated;

import java.util.Locale;
import org.botsec.core.BadInputException;

/**
 * Simulated attackers: a fixed fraction of the clients send a manipulated delta every time they are selected.
 *
 * @param fraction share of clients that are malicious, in (0, 1]
 * @param kind     what they send
 * @param scale    K for {@link Kind#SCALE}; for {@link Kind#BACKDOOR} the boost, NaN = model replacement's
 *                 γ = clients per round / attackers per round (Bagdasaryan et al. 2020); else 1
 */
public record Malicious(double fraction, Kind kind, double scale) {
    /** Attacks on the update. */
    public enum Kind {
        /** −delta: pushes the model away from what honest clients learn. */
        SIGN_FLIP,
        /** K·delta: a boosted update (Bhagoji et al. 2019, "Analyzing Federated Learning through an Adversarial Lens"). */
        SCALE,
        /**
         * Model replacement (Bagdasaryan et al. 2020, "How To Backdoor Federated Learning"): the attacker trains on
         * its rows with half of them stamped with a {@link Backdoor} trigger and relabelled to the target, then
         * boosts its delta by γ so that it replaces the average.
         */
        BACKDOOR
    }

    public Malicious {
        if (!(fraction > 0 && fraction <= 1)) {
            throw BadInputException.of("malicious fraction must be in (0, 1], got %s", fraction);
        }
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (!Double.isFinite(scale) && !(kind == Kind.BACKDOOR && Double.isNaN(scale))) {
            throw BadInputException.of("scale K must be finite, got %s", scale);
        }
    }

    /** Parses {@code F:sign-flip}, {@code F:scale:K}, {@code F:backdoor} (model replacement) or {@code F:backdoor:K}. */
    public static Malicious parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        try {
            if (colon > 0) {
                double f = Double.parseDouble(s.substring(0, colon));
                String rest = s.substring(colon + 1);
                if (rest.equals("sign-flip")) {
                    return new Malicious(f, Kind.SIGN_FLIP, 1);
                }
                if (rest.startsWith("scale:")) {
                    return new Malicious(f, Kind.SCALE, Double.parseDouble(rest.substring("scale:".length())));
                }
                if (rest.equals("backdoor")) {
                    return new Malicious(f, Kind.BACKDOOR, Double.NaN);
                }
                if (rest.startsWith("backdoor:")) {
                    double k = Double.parseDouble(rest.substring("backdoor:".length()));
                    if (!(k > 0)) {
                        throw BadInputException.of("backdoor boost K must be > 0, got %s", k);
                    }
                    return new Malicious(f, Kind.BACKDOOR, k);
                }
            }
        } catch (NumberFormatException e) {
            // one message below
        }
        throw BadInputException.of("malicious must be F:sign-flip, F:scale:K, F:backdoor or F:backdoor:K with F in "
                + "(0, 1], got '%s'", spec);
    }

    /** Applies the attack to {@code delta} in place; {@code replacementBoost} is γ for a model-replacement backdoor. */
    void apply(double[] delta, double replacementBoost) {
        double k = kind == Kind.SIGN_FLIP ? -1 : kind == Kind.BACKDOOR && Double.isNaN(scale) ? replacementBoost : scale;
        for (int j = 0; j < delta.length; j++) {
            delta[j] *= k;
        }
    }

    /** The spec string {@link #parse} accepts. */
    public String spec() {
        return fraction + ":" + switch (kind) {
            case SIGN_FLIP -> "sign-flip";
            case SCALE -> "scale:" + scale;
            case BACKDOOR -> Double.isNaN(scale) ? "backdoor" : "backdoor:" + scale;
        };
    }
}
