package org.botsec.attack.poisoning;

import java.util.Arrays;
import java.util.Locale;
import org.botsec.core.BadInputException;

/** The poisoning detectors, by the names the CLI and the findings use. */
public enum DetectorKind {
    /** {@link SpectralSignatures} (Tran, Li, Madry 2018). */
    SPECTRAL_SIGNATURES("spectral"),
    /** {@link ActivationClustering} (Chen et al. 2018). */
    ACTIVATION_CLUSTERING("activation-clustering"),
    /** {@link AttributionConcentration} (BotSec: SHAP attributions concentrated on one small patch). */
    ATTRIBUTION_CONCENTRATION("attribution");

    private final String cliName;

    DetectorKind(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** The rule ID of the findings this detector emits. */
    public String ruleId() {
        return "attack.poisoning.detect." + cliName;
    }

    /** Parses a CLI name, naming the allowed values when it is unknown. */
    public static DetectorKind parse(String value) {
        for (DetectorKind k : values()) {
            if (k.cliName.equals(value == null ? null : value.toLowerCase(Locale.ROOT).trim())) {
                return k;
            }
        }
        throw BadInputException.of("unknown detector '%s'; use one of %s", value,
                String.join(", ", Arrays.stream(values()).map(DetectorKind::cliName).toList()));
    }
}
