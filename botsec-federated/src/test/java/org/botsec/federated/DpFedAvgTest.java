package org.botsec.federated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.rand.Randomness;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.privacy.accountant.PrivacyAccountant;
import org.junit.jupiter.api.Test;

class DpFedAvgTest {
    private static final Dataset TRAIN = Builtins.load("digits8x8", Split.TRAIN);
    private static final Dataset TEST = Builtins.load("digits8x8", Split.TEST);

    private static LinearModel softmax() {
        return LinearModel.zeros(TRAIN.featureNames(), TRAIN.classNames());
    }

    private static double[] params(Object model) {
        PerExampleGradients g = (PerExampleGradients) model;
        double[] p = new double[g.numParameters()];
        g.getParameters(p);
        return p;
    }

    /** The row of dp_accounting's reference values (see src/test/resources/golden/README.md). */
    private static String[] goldenRow() throws IOException {
        try (InputStream in = DpFedAvgTest.class.getResourceAsStream("/golden/dp_epsilon_fl.csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            return lines[1].split(",");
        }
    }

    @Test
    void clientLevelEpsilonEqualsDpAccountingFor100RoundsOfRateOneTenth() throws IOException {
        String[] g = goldenRow(); // q = 0.1, sigma = 2.0, 100 steps, delta 1e-5
        double q = Double.parseDouble(g[3]);
        double sigma = Double.parseDouble(g[4]);
        int steps = Integer.parseInt(g[6]);
        double delta = Double.parseDouble(g[7]);
        double epsRdp = Double.parseDouble(g[9]);
        FederationResult r = Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax()).clients(20)
                .rounds(steps).fractionFit(q).learningRate(0.2).seed(1)
                .dp(DpFedAvg.builder().l2NormClip(1.0).noiseMultiplier(sigma).delta(delta).insecureSeed(7).build())
                .build().run();
        PrivacyGuarantee pg = r.privacy().orElseThrow();
        // dp_accounting 0.6.0 RdpAccountant: 2.58057; our target for RDP is 0.1 % relative
        assertEquals(epsRdp, pg.epsilon(), 1e-3 * epsRdp);
        // and the very number botsec-privacy's accountant gives for (q, sigma, steps)
        assertEquals(PrivacyAccountant.epsilon(AccountantType.RDP, sigma, q, steps, delta).epsilon(), pg.epsilon(), 0.0);
        assertEquals(PrivacyGuarantee.Unit.CLIENT, pg.unit());
        assertEquals(PrivacyGuarantee.Sampling.POISSON, pg.sampling());
        assertEquals(PrivacyGuarantee.Relation.ADD_REMOVE, pg.relation());
        assertEquals(steps, pg.steps());
        assertEquals(q, pg.sampleRate(), 0.0);
        assertEquals("dp-fedavg", pg.components().get(0).name());
        // Poisson sampling: the number of clients per round varies around qN = 2
        long distinct = r.rounds().stream().mapToInt(RoundResult::clients).distinct().count();
        assertTrue(distinct >= 3, "clients per round should vary under Poisson sampling");
        double mean = r.rounds().stream().mapToInt(RoundResult::clients).average().orElseThrow();
        assertEquals(2.0, mean, 4 * Math.sqrt(20 * 0.1 * 0.9 / steps), "mean clients per round");
        // the guarantee is in the model file's provenance too
        assertEquals(pg, ((LinearModel) r.model()).provenance().orElseThrow().privacy().orElseThrow());
    }

    @Test
    void pldAccountantMatchesDpAccountingPld() throws IOException {
        String[] g = goldenRow();
        double epsPld = Double.parseDouble(g[11]);
        FederationResult r = Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax()).clients(20)
                .rounds(Integer.parseInt(g[6])).fractionFit(Double.parseDouble(g[3])).learningRate(0.2).seed(1)
                .dp(DpFedAvg.builder().l2NormClip(1.0).noiseMultiplier(Double.parseDouble(g[4]))
                        .delta(Double.parseDouble(g[7])).accountant(AccountantType.PLD).insecureSeed(7).build())
                .build().run();
        // dp_accounting PLDAccountant: 2.3374; target 1 % relative
        assertEquals(epsPld, r.privacy().orElseThrow().epsilon(), 0.01 * epsPld);
        assertEquals(PrivacyGuarantee.Accountant.PLD, r.privacy().orElseThrow().accountant());
    }

    /**
     * Every client sends a zero delta, so the global model moves by the noise alone: each coordinate must be
     * N(0, (σ·C/(qN))²). With 9,738 coordinates the sample standard deviation has a relative standard error of
     * 1/√(2·9738) = 0.7 %; the tolerance of 4 % is about 5.6 standard errors. Dividing by the clients actually
     * selected instead of the expected qN, or a wrong σ, fails it.
     */
    @Test
    void noiseStandardDeviationIsSigmaTimesClipOverExpectedClients() {
        for (boolean adaptive : new boolean[] {false, true}) {
            Mlp init = Mlp.create(new int[] {64, 128, 10}, TRAIN.featureNames(), TRAIN.classNames(),
                    Randomness.replayable(3));
            double sigma = 1.5;
            double clip = 0.8;
            int clients = 40;
            double q = 0.5;
            DpFedAvg.Builder dpb = DpFedAvg.builder().l2NormClip(clip).noiseMultiplier(sigma).delta(1e-5)
                    .insecureSeed(11);
            if (adaptive) {
                dpb.adaptiveClipping(DpFedAvg.AdaptiveClipping.quantile(0.5));
            }
            DpFedAvg dp = dpb.build();
            FederationResult r = Federation.builder().trainData(TRAIN).testData(TEST).initialModel(init)
                    .clients(clients).rounds(1).fractionFit(q).seed(5).dp(dp)
                    .tamper((client, d) -> new double[d.length]).build().run();
            double[] before = params(init);
            double[] after = params(r.model());
            double s2 = 0;
            double mean = 0;
            for (int j = 0; j < before.length; j++) {
                double v = after[j] - before[j];
                mean += v;
                s2 += v * v;
            }
            mean /= before.length;
            double std = Math.sqrt(s2 / before.length);
            double expectedClients = q * clients;
            // adaptive: the update gets z_delta = (z^-2 - (2 sigma_b)^-2)^-1/2 with sigma_b = qN/20 = 1
            double zDelta = adaptive ? 1.0 / Math.sqrt(1 / (sigma * sigma) - 1 / (4.0 * 1 * 1)) : sigma;
            double expected = zDelta * clip / expectedClients;
            assertEquals(expected, std, 0.04 * expected, "adaptive " + adaptive);
            assertEquals(0.0, mean, 5 * expected / Math.sqrt(before.length), "noise mean");
            assertTrue(r.rounds().get(0).clients() != (int) expectedClients,
                    "the seed was chosen so that the realised count differs from qN; pick another seed");
        }
    }

    @Test
    void adaptiveSplitOfTheNoiseComposesToTheRequestedMultiplier() {
        // Andrew et al. Theorem 1: two Gaussian releases with multipliers z_delta (sensitivity C) and 2 sigma_b
        // (sensitivity 1/2) are together one release of multiplier z. With q = 1, RDP adds exactly.
        DpFedAvg dp = DpFedAvg.builder().l2NormClip(1).noiseMultiplier(1.2).delta(1e-5)
                .adaptiveClipping(DpFedAvg.AdaptiveClipping.quantile(0.5)).build();
        double expected = 60; // sigma_b = 3
        double zDelta = dp.updateNoiseMultiplier(expected);
        PrivacyAccountant two = PrivacyAccountant.create(AccountantType.RDP);
        two.step(zDelta, 1.0, 10);
        two.step(2 * 3.0, 1.0, 10);
        double one = PrivacyAccountant.epsilon(AccountantType.RDP, 1.2, 1.0, 10, 1e-5).epsilon();
        assertEquals(one, two.getEpsilon(1e-5), 1e-9 * one);
        assertTrue(zDelta > 1.2);
        // z >= 2 sigma_b leaves nothing for the update: refused with one line
        BadInputException e = assertThrows(BadInputException.class, () -> dp.updateNoiseMultiplier(10));
        assertTrue(e.getMessage().startsWith("adaptive clipping: noise multiplier 1.2 needs"), e.getMessage());
    }

    @Test
    void adaptiveClipMovesTowardsTheTargetQuantileOfUpdateNorms() {
        // client i sends a delta of norm 0.1 (i + 1): norms 0.1 ... 4.0, median 2.05; start far below, at 0.1
        int clients = 40;
        FederationResult r = Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax())
                .clients(clients).rounds(80).fractionFit(1.0).batchSize(200).seed(5)
                .dp(DpFedAvg.builder().l2NormClip(0.1).noiseMultiplier(0.5).delta(1e-5).insecureSeed(3)
                        .adaptiveClipping(DpFedAvg.AdaptiveClipping.quantile(0.5)).build())
                .tamper((client, d) -> {
                    double[] out = new double[d.length];
                    out[0] = 0.1 * (client + 1);
                    return out;
                }).build().run();
        double first = r.rounds().get(0).l2NormClip().orElseThrow();
        double last = r.rounds().get(79).l2NormClip().orElseThrow();
        assertEquals(0.1, first, 0.0);
        assertTrue(last > 1.6 && last < 2.5, "clip after 80 rounds " + last + " (median norm 2.05)");
        // one step moves C by at most exp(eta) = exp(0.2)
        for (int i = 1; i < 80; i++) {
            double ratio = r.rounds().get(i).l2NormClip().orElseThrow() / r.rounds().get(i - 1).l2NormClip().orElseThrow();
            assertTrue(ratio <= Math.exp(0.2) + 1e-12 && ratio >= Math.exp(-0.2) - 1e-12, "ratio " + ratio);
        }
        assertEquals("adaptive", r.privacy().orElseThrow().components().get(0).parameters().get("clipping"));
    }

    @Test
    void seededNoiseIsMarkedNotPrivateAndSecureNoiseIsNot() {
        DpFedAvg.Builder common = DpFedAvg.builder().l2NormClip(0.5).noiseMultiplier(1.0).delta(1e-5);
        FederationResult seeded = small(common.insecureSeed(9).build());
        PrivacyGuarantee s = seeded.privacy().orElseThrow();
        assertFalse(s.noise().secure());
        assertFalse(s.holdsEndToEnd());
        assertEquals("seeded (not private)", s.noise().label());
        FederationResult secure = small(DpFedAvg.builder().l2NormClip(0.5).noiseMultiplier(1.0).delta(1e-5).build());
        PrivacyGuarantee p = secure.privacy().orElseThrow();
        assertTrue(p.noise().secure());
        assertTrue(p.holdsEndToEnd());
        // the same seed replays the same model; secure noise does not repeat
        assertTrue(Arrays.equals(params(seeded.model()),
                params(small(DpFedAvg.builder().l2NormClip(0.5).noiseMultiplier(1.0).delta(1e-5).insecureSeed(9)
                        .build()).model())));
        assertFalse(Arrays.equals(params(secure.model()), params(small(DpFedAvg.builder().l2NormClip(0.5)
                .noiseMultiplier(1.0).delta(1e-5).build()).model())));
    }

    private static FederationResult small(DpFedAvg dp) {
        return Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax()).clients(10).rounds(2)
                .fractionFit(0.5).learningRate(0.2).seed(1).dp(dp).build().run();
    }

    @Test
    void dpFedAvgStillLearnsDigitsWithModerateNoise() {
        // 100 clients, q = 0.3 (30 expected), z = 0.5, C = 1: noise std on the average 0.017 per coordinate
        FederationResult r = Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax())
                .clients(100).rounds(15).fractionFit(0.3).learningRate(0.3).localEpochs(2).seed(4)
                .dp(DpFedAvg.builder().l2NormClip(1.0).noiseMultiplier(0.5).delta(1e-5).insecureSeed(2).build())
                .build().run();
        assertTrue(r.metrics().accuracy() > 0.8, "accuracy " + r.metrics().accuracy());
        assertTrue(r.privacy().orElseThrow().epsilon() > 0);
        assertEquals(OptionalDouble.of(1.0), r.rounds().get(0).l2NormClip());
    }

    @Test
    void badSettingsGiveOneLine() {
        assertThrows(BadInputException.class, () -> DpFedAvg.builder().l2NormClip(0).noiseMultiplier(1).delta(1e-5)
                .build());
        assertThrows(BadInputException.class, () -> DpFedAvg.builder().l2NormClip(1).noiseMultiplier(0).delta(1e-5)
                .build());
        assertThrows(BadInputException.class, () -> DpFedAvg.builder().l2NormClip(1).noiseMultiplier(1).delta(1)
                .build());
        assertThrows(BadInputException.class, () -> DpFedAvg.builder().l2NormClip(1).noiseMultiplier(1).build());
        assertThrows(BadInputException.class, () -> DpFedAvg.AdaptiveClipping.quantile(1.0));
        assertThrows(IllegalStateException.class, () -> DpFedAvg.builder().delta(1e-5).delta(1e-6));
        DpFedAvg dp = DpFedAvg.builder().l2NormClip(1).noiseMultiplier(1).delta(1e-5).build();
        BadInputException e = assertThrows(BadInputException.class, () -> Federation.builder().trainData(TRAIN)
                .testData(TEST).initialModel(softmax()).clients(10).rounds(1).aggregator(new Aggregator.Median())
                .dp(dp).build());
        assertTrue(e.getMessage().startsWith("DP-FedAvg needs the fedavg aggregator"), e.getMessage());
        assertEquals(List.of(), List.of());
    }
}
