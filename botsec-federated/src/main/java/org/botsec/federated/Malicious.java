package org.botsec.federated;

import java.util.Locale;
import org.botsec.core.BadInputException;

/**
 * Simulated attackers: a fixed fraction of the clients send a manipulated delta every time they are selected.
 *
 * @param fraction share of clients that are malicious, in (0, 1]
 * @param kind     what they send
 * @param scale    K for {@link Kind#SCALE}, else 1
 */
public record Malicious(double fraction, Kind kind, double scale) {
    /** Attacks on the update. */
    public enum Kind {
        /** −delta: pushes the model away from what honest clients learn. */
        SIGN_FLIP,
        /** K·delta: a boosted update (Bhagoji et al. 2019, "Analyzing Federated Learning through an Adversarial Lens"). */
        SCALE
    }

    public Malicious {
        if (!(fraction > 0 && fraction <= 1)) {
            throw BadInputException.of("malicious fraction must be in (0, 1], got %s", fraction);
        }
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (!Double.isFinite(scale)) {
            throw BadInputException.of("scale K must be finite, got %s", scale);
        }
    }

    /** Parses {@code F:sign-flip} or {@code F:scale:K}; {@code F:backdoor} is not implemented yet. */
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
                    throw new BadInputException("--malicious F:backdoor is not implemented yet; use sign-flip or scale:K");
                }
            }
        } catch (NumberFormatException e) {
            // one message below
        }
        throw BadInputException.of("malicious must be F:sign-flip or F:scale:K with F in (0, 1], got '%s'", spec);
    }

    /** Applies the attack to {@code delta} in place. */
    void apply(double[] delta) {
        double k = kind == Kind.SIGN_FLIP ? -1 : scale;
        for (int j = 0; j < delta.length; j++) {
            delta[j] *= k;
        }
    }

    /** The spec string {@link #parse} accepts. */
    public String spec() {
        return fraction + ":" + (kind == Kind.SIGN_FLIP ? "sign-flip" : "scale:" + scale);
    }
}
