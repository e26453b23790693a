package org.botsec.attack.evasion;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.botsec.core.BadInputException;

/** The evasion attacks, by the names the CLI uses. */
public enum EvasionMethod {
    /** Fast gradient sign method, Goodfellow, Shlens &amp; Szegedy 2015 (one step of size ε). White box. */
    FGSM("fgsm", true),
    /** Projected gradient descent, Madry et al. 2018 (steps, projection, random starts). White box. */
    PGD("pgd", true),
    /** Jacobian-based saliency map attack, Papernot et al. 2016. White box. */
    JSMA("jsma", true),
    /** Greedy L0 search: change the most salient pixel to an extreme, one at a time, until the label flips. */
    FEW_PIXEL("few-pixel", true),
    /** Square Attack, Andriushchenko et al. 2020 (score-based black box). */
    SQUARE("square", false),
    /** HopSkipJump, Chen, Jordan &amp; Wainwright 2020 (decision-based black box). */
    HOPSKIPJUMP("hopskipjump", false),
    /** Word-level attack on text models ({@link org.botsec.attack.text.WordAttack}). */
    TEXT("text", false);

    private final String label;
    private final boolean whiteBox;

    EvasionMethod(String label, boolean whiteBox) {
        this.label = label;
        this.whiteBox = whiteBox;
    }

    public String label() {
        return label;
    }

    /** True when the attack needs input gradients ({@link org.botsec.core.model.GradientModel}). */
    public boolean whiteBox() {
        return whiteBox;
    }

    /** Names of the methods that need only a {@link org.botsec.core.model.Classifier}'s answers. */
    public static String blackBoxNames() {
        return Arrays.stream(values()).filter(m -> !m.whiteBox && m != TEXT).map(EvasionMethod::label)
                .collect(Collectors.joining(", "));
    }

    /**
     * The model as a {@link org.botsec.core.model.GradientModel} when this method needs gradients; otherwise a
     * one-line error naming the model's type and the black-box methods that would work.
     */
    public org.botsec.core.model.GradientModel requireGradients(org.botsec.core.model.Classifier model,
            String modelName) {
        if (model instanceof org.botsec.core.model.GradientModel g) {
            return g;
        }
        throw BadInputException.of("model %s (%s) gives no input gradients, so the white-box method %s cannot run; "
                + "the black-box methods %s need only its predictions", modelName, model.getClass().getSimpleName(),
                label, blackBoxNames());
    }

    public static EvasionMethod parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (EvasionMethod m : values()) {
            if (m.label.equals(v)) {
                return m;
            }
        }
        throw BadInputException.of("method must be one of %s, got '%s'",
                Arrays.stream(values()).map(EvasionMethod::label).collect(Collectors.joining(", ")), v);
    }
}
