package org.botsec.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.Test;

/** Model-replacement backdoors (Bagdasaryan et al. 2020) on UCI digits 8×8, with and without robust aggregation. */
class BackdoorTest {
    private static final Dataset TRAIN = Builtins.load("digits8x8", Split.TRAIN);
    private static final Dataset TEST = Builtins.load("digits8x8", Split.TEST);

    private static FederationResult run(Aggregator a, String malicious) {
        Federation.Builder b = Federation.builder().trainData(TRAIN).testData(TEST)
                .initialModel(LinearModel.zeros(TRAIN.featureNames(), TRAIN.classNames())).clients(40)
                .fractionFit(0.25).rounds(10).learningRate(0.1).seed(42).aggregator(a);
        if (malicious != null) {
            b.malicious(Malicious.parse(malicious));
        }
        return b.build().run();
    }

    @Test
    void defaultTriggerIsTheBottomRightCornerAtFullIntensity() {
        Backdoor bd = Backdoor.defaultFor(TRAIN);
        assertArrayEquals(new int[] {54, 55, 62, 63}, bd.triggerFeatures());
        assertEquals(1.0, bd.triggerValue(), 0.0); // digits8x8 pixels are value/16, max 16
        assertEquals(0, bd.targetClass());
    }

    /**
     * The measured numbers of the run recorded when this test was written (seed 42): FedAvg under 10 % model
     * replacement attackers 1.00 backdoor success, the coordinate-wise median 0.00; without attackers the trigger
     * sends no clean-trained row to class 0 (0.00). The thresholds leave room for other machines' rounding only.
     */
    @Test
    void modelReplacementBackdoorsFedAvgAndTheMedianResists() {
        FederationResult clean = run(new Aggregator.WeightedMean(), null);
        double natural = Backdoor.defaultFor(TRAIN).successRate(clean.classifier(), TEST);
        FederationResult fedavg = run(new Aggregator.WeightedMean(), "0.1:backdoor");
        FederationResult median = run(new Aggregator.Median(), "0.1:backdoor");
        assertTrue(natural < 0.1, "natural trigger rate " + natural);
        assertTrue(fedavg.backdoorSuccess().orElseThrow() > 0.8, "fedavg " + fedavg.backdoorSuccess());
        assertTrue(median.backdoorSuccess().orElseThrow() < 0.2, "median " + median.backdoorSuccess());
        assertTrue(clean.backdoorSuccess().isEmpty());
        // a plain data-poisoning attacker (boost 1) is diluted by the average: far weaker than model replacement
        FederationResult naive = run(new Aggregator.WeightedMean(), "0.1:backdoor:1");
        assertTrue(naive.backdoorSuccess().orElseThrow() < fedavg.backdoorSuccess().orElseThrow(),
                "naive " + naive.backdoorSuccess() + " vs replacement " + fedavg.backdoorSuccess());
    }

    @Test
    void specsParseAndBadOnesGiveOneLine() {
        assertEquals("0.1:backdoor", Malicious.parse("0.1:backdoor").spec());
        assertEquals("0.1:backdoor:5.0", Malicious.parse("0.1:backdoor:5").spec());
        assertThrows(BadInputException.class, () -> Malicious.parse("0.1:backdoor:0"));
        assertThrows(BadInputException.class, () -> Federation.builder().trainData(TRAIN).testData(TEST)
                .initialModel(LinearModel.zeros(TRAIN.featureNames(), TRAIN.classNames())).clients(4).rounds(1)
                .backdoor(Backdoor.defaultFor(TRAIN)).build());
        assertThrows(BadInputException.class, () -> new Backdoor(0, new int[] {1}, 1.0, 0));
    }
}
