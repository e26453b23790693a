package org.botsec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.privacy.internal.SpecialFunctions;
import org.junit.jupiter.api.Test;

/** The DP vocabulary: calibration against the exact Gaussian-mechanism δ (Balle and Wang 2018) and behaviour. */
class DpVocabularyTest {
    @Test
    void noiseAndThresholdAreCalibrated() {
        DpVocabulary.Result r = DpVocabulary.selectWithInsecureSeed(List.of(List.of("a")), 1.0, 1e-6, 4, 1);
        // the Gaussian part spends exactly δ/2 at ε with sensitivity √k ...
        assertEquals(0.5e-6, DpVocabulary.gaussianDelta(1.0, r.noiseStddev(), 2.0), 1e-12);
        // ... and a token held by one document only passes the threshold with probability ≤ δ/(2k) each
        double pass = 1 - SpecialFunctions.normalCdf((r.threshold() - 1) / r.noiseStddev());
        assertEquals(1e-6 / 8, pass, 1e-12);
    }

    @Test
    void frequentTokensAreKeptAndAUniqueTokenIsNot() {
        List<List<String>> docs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            // "the" in 2,000 documents, "bot" in 1,500, "good"/"bad" in 1,000 each: far apart next to the noise
            docs.add(i % 4 == 0 ? List.of("the", i % 2 == 0 ? "good" : "bad")
                    : List.of("the", "bot", i % 2 == 0 ? "good" : "bad"));
        }
        docs.add(List.of("the", "secret-password-123"));
        DpVocabulary.Result r = DpVocabulary.selectWithInsecureSeed(docs, 1.0, 1e-6, 3, 7);
        assertTrue(r.tokens().containsAll(List.of("the", "bot", "good", "bad")), r.tokens().toString());
        assertFalse(r.tokens().contains("secret-password-123"));
        assertEquals(List.of("the", "bot"), r.tokens().subList(0, 2), "ordered by noisy count");
        assertEquals("seeded (not private)", r.noise().label());
        assertEquals("dp-vocabulary", r.component().name());
        assertEquals(1.0, r.component().epsilon(), 0.0);
    }

    @Test
    void validation() {
        assertEquals("vocabulary epsilon must be > 0 and finite, got 0.0", assertThrows(BadInputException.class,
                () -> DpVocabulary.select(List.of(), 0, 1e-6, 1)).getMessage());
        assertEquals("maxTokensPerDocument must be >= 1, got 0", assertThrows(BadInputException.class,
                () -> DpVocabulary.select(List.of(), 1, 1e-6, 0)).getMessage());
    }
}
