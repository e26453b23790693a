package org.botsec.guard;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.botsec.guard.internal.InjectionClassifier;
import org.botsec.guard.internal.InjectionScanner;
import org.botsec.guard.internal.LeakScanner;
import org.botsec.guard.internal.PiiScanner;
import org.botsec.guard.internal.RegexScanner;
import org.botsec.guard.internal.SecretScanner;

/**
 * The built-in scanners, for building a {@link GuardPipeline} in Java with the same choices a policy file
 * offers ({@code docs/guard.md} describes what each finds and how it scores). Every argument is validated;
 * a bad one gives a {@link org.botsec.core.BadInputException} naming it.
 */
public final class Scanners {
    private Scanners() {
    }

    /** All PII types; phone numbers without a country code are read as {@code US}. */
    public static Scanner pii() {
        return PiiScanner.all();
    }

    /**
     * @param types        PII type names: EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS, DATE_OF_BIRTH, PERSON,
     *                     STREET_ADDRESS, LOCATION, ORGANIZATION
     * @param phoneRegion  ISO 3166 home region for phone numbers written without a country code, e.g. {@code GB};
     *                     the national formats of {@code PiiScanner.LIKELY_PHONE_REGIONS} are read as well
     */
    public static Scanner pii(Set<String> types, String phoneRegion) {
        Set<PiiScanner.Type> parsed = EnumSet.noneOf(PiiScanner.Type.class);
        for (String t : types) {
            parsed.add(PiiScanner.type(t));
        }
        return new PiiScanner(parsed, phoneRegion);
    }

    /** Rules, hidden-text checks and the shipped classifier at score 0.5. */
    public static Scanner promptInjection() {
        return InjectionScanner.defaults();
    }

    /**
     * @param threshold     classifier output in (0, 1) at which a message counts as an attack (an uncalibrated
     *                      score: it orders messages but is not a measured probability)
     * @param useClassifier false for rules and hidden-text checks only
     */
    public static Scanner promptInjection(double threshold, boolean useClassifier) {
        return new InjectionScanner(useClassifier ? InjectionClassifier.shipped() : null, threshold);
    }

    /** Known token formats plus generic {@code key=value} secrets at 3.5 bits of entropy per character. */
    public static Scanner secrets() {
        return SecretScanner.defaults();
    }

    /** @param entropyThreshold bits per character, in (0, 8], a generic secret's value must reach */
    public static Scanner secrets(double entropyThreshold) {
        return new SecretScanner(entropyThreshold);
    }

    /**
     * @param systemPrompt the prompt to protect, or null
     * @param canaries     planted strings that must never appear in an output
     * @param ngram        consecutive shared words that count as a leak, in [3, 50] (policy default 8)
     */
    public static Scanner systemPromptLeak(String systemPrompt, List<String> canaries, int ngram) {
        return new LeakScanner(systemPrompt, canaries, ngram);
    }

    /**
     * Your own pattern in RE2 syntax (linear-time; no backreferences or lookaround); each match is a
     * policy-violation finding with rule ID {@code guard.policy.<name>}, redacted as {@code <NAME>}.
     */
    public static Scanner regex(String name, String pattern) {
        return new RegexScanner(name, pattern);
    }
}
