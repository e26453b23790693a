package org.botsec.privacy.accountant;

import java.util.Locale;
import org.botsec.core.BadInputException;

/** Which accounting method turns a DP-SGD history into (ε, δ). */
public enum AccountantType {
    /**
     * Rényi DP of the subsampled Gaussian (Mironov, Talwar, Zhang 2019) with the improved conversion of
     * Balle et al. 2020; fast (microseconds after the first call), slightly loose.
     */
    RDP,
    /**
     * Privacy loss distributions with FFT composition (Koskela et al. 2020; Doroshenko et al. 2022); tighter
     * (typically 5-20% smaller ε), tenths of a second per evaluation.
     */
    PLD;

    /** Parses {@code rdp} or {@code pld} (any case). */
    public static AccountantType parse(String name) {
        if (name != null) {
            for (AccountantType t : values()) {
                if (t.name().equalsIgnoreCase(name.trim())) {
                    return t;
                }
            }
        }
        throw BadInputException.of("accountant must be rdp or pld, got %s", name);
    }

    /** The lower-case name used on the command line and in JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
