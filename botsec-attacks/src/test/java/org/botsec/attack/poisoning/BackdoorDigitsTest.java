package org.botsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.botsec.attack.AttackReport;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Location;
import org.botsec.core.model.Mlp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A planted BadNets trigger (2×2 white corner, 5% of digits8x8's training rows, target 0) on a 64-unit MLP: the
 * reference is the ground truth of which rows were poisoned. Thresholds are well below what was measured (ASR 0.99,
 * recall 1.0; see docs/attacks-poisoning.md) and well above what a broken detector gives (random flags at the same
 * count: recall ≈ flagged share).
 */
class BackdoorDigitsTest {
    static final Dataset TRAIN = Builtins.load("digits8x8", org.botsec.core.data.Split.TRAIN);
    static final Dataset TEST = Builtins.load("digits8x8", org.botsec.core.data.Split.TEST);
    static PoisoningResult result;

    @BeforeAll
    static void run() {
        Poisoner p = Poisoner.builder().method(PoisonMethod.BACKDOOR).poisonRate(0.05).targetClass(0)
                .trigger(Trigger.whiteSquare(64, 2)).seed(42).build();
        result = PoisoningExperiment.run(TRAIN, TEST, p, d -> Models.mlp(d, 64, 20, 42),
                pd -> List.of(new SpectralSignatures(pd.maxClassPoisonShare()), new ActivationClustering(42),
                        new AttributionConcentration(64, 42)), Map.of("hidden", 64));
    }

    @Test
    void theBackdoorWorksAndCleanAccuracyHolds() {
        assertTrue(result.attackSuccessRate().orElseThrow() >= 0.9, "ASR " + result.attackSuccessRate());
        assertTrue(result.baselineAttackSuccessRate().orElseThrow() <= 0.1,
                "the clean model ignores the patch: " + result.baselineAttackSuccessRate());
        assertTrue(result.baselineCleanAccuracy() >= 0.93, "clean " + result.baselineCleanAccuracy());
        assertTrue(result.cleanAccuracyDrop() <= 0.03, "drop " + result.cleanAccuracyDrop());
    }

    @Test
    void everyDetectorFindsThePlantedRows() {
        for (PoisoningResult.ScoredDetection d : result.detections()) {
            assertTrue(d.quality().recall() >= 0.9, d.detection().detector() + " " + d.quality());
        }
        // flagging 1.5 ε of every class, spectral's precision is bounded by the poisoned share of all flags
        DetectionQuality spectral = result.detections().get(0).quality();
        assertTrue(spectral.precision() <= spectral.poisoned() / (double) spectral.flagged() + 1e-12);
    }

    @Test
    void theAttributionDetectorNamesTheTriggerPixels() {
        Detection d = result.detections().get(2).detection();
        assertEquals(List.of(54, 55, 62, 63), d.triggerFeatures());
        assertTrue(result.detections().get(2).quality().precision() >= 0.9, result.detections().get(2).quality().toString());
    }

    @Test
    void theAttributionDetectorStaysQuietOnACleanModel() {
        Mlp clean = Models.mlp(TRAIN, 64, 20, 42);
        Detection d = new AttributionConcentration(64, 42).detect(TRAIN, clean);
        assertEquals(List.of(), d.triggerFeatures(), d.details().toString());
        assertEquals(0, d.flaggedRows().length);
    }

    @Test
    void theReportCarriesMetricsSeedAndFindings() {
        AttackReport r = result.toReport("builtin:digits8x8");
        assertEquals("poisoning.backdoor", r.attack());
        assertEquals(42L, r.seed().getAsLong());
        assertEquals(result.attackSuccessRate().orElseThrow(), r.metrics().get("attack_success_rate"));
        assertEquals(72.0, r.metrics().get("poisoned_rows"));
        assertEquals(FindingKind.BACKDOOR, r.findings().get(0).kind());
        assertEquals("attack.poisoning.detect.attribution", r.findings().get(3).ruleId());
        Location.DataRows rows = (Location.DataRows) r.findings().get(3).location().orElseThrow();
        assertEquals(72, rows.rows().size());
        assertEquals(0.05, r.settings().get("poison_rate"));
    }
}
