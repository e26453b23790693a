package org.botsec.core.finding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FindingTest {

    @Test
    void builderFillsEveryField() {
        Finding f = Finding.builder("guard.pii.email", FindingKind.PII, Severity.MEDIUM, "E-mail address")
                .span(3, 17).score(Score.ruleMatch()).atlas(AtlasTechnique.LLM_DATA_LEAKAGE)
                .evidence("entity", "EMAIL").source("pii").build();
        assertEquals(Optional.of(new Location.TextSpan(3, 17)), f.span());
        assertEquals(1.0, f.score().orElseThrow().value());
        assertEquals("AML.T0057", f.atlas().orElseThrow().id());
        assertEquals("EMAIL", f.evidence().get("entity"));
        assertEquals("pii", f.source());
    }

    @Test
    void settingTwiceIsRefused() {
        Finding.Builder b = Finding.builder("attack.evasion.pgd", FindingKind.EVASION, Severity.HIGH, "t")
                .atlas(AtlasTechnique.EVADE_AI_MODEL);
        assertThrows(IllegalStateException.class, () -> b.atlas(AtlasTechnique.CRAFT_ADVERSARIAL_DATA));
        b.evidence("success_rate", 0.5);
        assertThrows(IllegalStateException.class, () -> b.evidence("success_rate", 0.6));
    }

    @Test
    void ruleIdsAreDottedLowerCase() {
        assertThrows(IllegalArgumentException.class,
                () -> Finding.builder("Guard PII", FindingKind.PII, Severity.LOW, "t").build());
        assertThrows(IllegalArgumentException.class, () -> new Score(1.5, Score.Basis.CALIBRATED_PROBABILITY));
        assertThrows(IllegalArgumentException.class, () -> new Location.TextSpan(5, 4));
    }

    @Test
    void evidenceListsAreCopied() {
        List<Integer> rows = new java.util.ArrayList<>(List.of(1, 2));
        Finding f = Finding.builder("attack.poison.spectral", FindingKind.DATA_POISONING, Severity.HIGH, "t")
                .evidence("rows", rows).build();
        rows.add(3);
        assertEquals(List.of(1, 2), f.evidence().get("rows"));
        assertTrue(f.location().isEmpty());
    }

    @Test
    void jsonFormNamesEveryPresentPart() {
        Finding f = Finding.builder("guard.pii.email", FindingKind.PII, Severity.MEDIUM, "E-mail address")
                .span(3, 17).score(Score.ruleMatch()).atlas(AtlasTechnique.LLM_DATA_LEAKAGE).source("pii").build();
        java.util.Map<String, Object> m = FindingJson.toMap(f);
        assertEquals(List.of("rule_id", "kind", "severity", "title", "description", "location", "score", "atlas",
                "evidence", "source"), List.copyOf(m.keySet()));
        assertEquals("pii", m.get("kind"));
        assertEquals("medium", m.get("severity"));
        assertEquals(java.util.Map.of("type", "text_span", "start", 3, "end", 17), m.get("location"));
        assertEquals("rule_match", ((java.util.Map<?, ?>) m.get("score")).get("basis"));
        Finding bare = Finding.builder("privacy.x", FindingKind.PRIVACY, Severity.INFO, "t").build();
        assertTrue(!FindingJson.toMap(bare).containsKey("location"));
    }
}
