package org.botsec.attack.inference;

import java.util.Locale;

/** The membership inference attacks BotSec runs. */
public enum MembershipMethod {
    /** Loss (or confidence) threshold, Yeom et al. 2018: no shadow models. */
    THRESHOLD,
    /** Shadow models and a learned attack model per class, Shokri et al. 2017. */
    SHADOW,
    /** Likelihood-ratio attack with IN and OUT shadow models, Carlini et al. 2022. */
    LIRA_ONLINE,
    /** Likelihood-ratio attack with OUT shadow models only (one-sided test), Carlini et al. 2022. */
    LIRA_OFFLINE;

    /** The lower-case name used in rule IDs and JSON, e.g. {@code lira_online}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
