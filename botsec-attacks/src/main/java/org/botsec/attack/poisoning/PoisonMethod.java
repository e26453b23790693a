package org.botsec.attack.poisoning;

import java.util.Arrays;
import java.util.Locale;
import org.botsec.core.BadInputException;

/** How training data is poisoned. */
public enum PoisonMethod {
    /** Randomly chosen rows get a different, uniformly chosen wrong label (an availability attack). */
    LABEL_FLIP("label-flip"),
    /**
     * BadNets (Gu, Dolan-Gavitt, Garg 2017, "BadNets: Identifying Vulnerabilities in the Machine Learning Model
     * Supply Chain"): rows of other classes get a trigger patch stamped on and the target label, so that the trained
     * model predicts the target class whenever the trigger is present.
     */
    BACKDOOR("backdoor");

    private final String cliName;

    PoisonMethod(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in JSON. */
    public String cliName() {
        return cliName;
    }

    /** Parses a CLI name, naming the allowed values when it is unknown. */
    public static PoisonMethod parse(String value) {
        for (PoisonMethod m : values()) {
            if (m.cliName.equals(value == null ? null : value.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw BadInputException.of("unknown poisoning method '%s'; use one of %s", value,
                String.join(", ", Arrays.stream(values()).map(PoisonMethod::cliName).toList()));
    }
}
