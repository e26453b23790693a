package org.botsec.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;

class FederationTest {
    private static final Dataset TRAIN = Builtins.load("digits8x8", Split.TRAIN);
    private static final Dataset TEST = Builtins.load("digits8x8", Split.TEST);

    private static Mlp mlp(long seed) {
        return Mlp.create(new int[] {64, 16, 10}, TRAIN.featureNames(), TRAIN.classNames(),
                Randomness.replayable(seed));
    }

    private static LinearModel softmax() {
        return LinearModel.zeros(TRAIN.featureNames(), TRAIN.classNames());
    }

    private static double[] params(Object model) {
        PerExampleGradients g = (PerExampleGradients) model;
        double[] p = new double[g.numParameters()];
        g.getParameters(p);
        return p;
    }

    @Test
    void oneClientOneFullBatchStepEqualsOneCentralizedSgdStep() {
        Dataset small = TRAIN.subset(IntStream.range(0, 40).toArray());
        Mlp init = mlp(5);
        double lr = 0.3;
        FederationResult r = Federation.builder().trainData(small).testData(TEST).initialModel(init).clients(1)
                .rounds(1).batchSize(small.size()).learningRate(lr).seed(1).build().run();
        // centralised: w − lr · (1/n) Σ ∇loss_i, straight from the model's own gradient
        Mlp central = init.withProvenance(null);
        double[] w = params(central);
        double[] grad = new double[w.length];
        double[] weights = new double[small.size()];
        Arrays.fill(weights, 1.0 / small.size());
        central.weightedGradientSum(small.x(), small.y(), weights, grad);
        for (int j = 0; j < w.length; j++) {
            w[j] -= lr * grad[j];
        }
        assertArrayEquals(w, params(r.model()), 1e-12);
        assertArrayEquals(params(init), params(mlp(5)), 0.0, "the initial model must not be changed");
    }

    @Test
    void deterministicGivenTheSeedWhateverTheThreads() {
        FederationResult one = run(1, 42);
        FederationResult three = run(3, 42);
        assertEquals(one.rounds(), three.rounds());
        assertArrayEquals(params(one.model()), params(three.model()), 0.0);
        assertEquals(42, one.seed());
        assertNotEquals(Arrays.toString(params(one.model())), Arrays.toString(params(run(2, 43).model())));
    }

    private static FederationResult run(int threads, long seed) {
        return Federation.builder().trainData(TRAIN).testData(TEST).initialModel(mlp(seed)).clients(30).rounds(2)
                .fractionFit(0.5).partition(Partition.dirichlet(0.5)).threads(threads).seed(seed).build().run();
    }

    @Test
    void fedAvgLearnsDigitsAndRecordsProvenance() {
        FederationResult r = Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax()).clients(20)
                .rounds(10).learningRate(0.2).seed(3).build().run();
        assertEquals(10, r.rounds().size());
        double first = r.rounds().get(0).accuracy();
        double last = r.rounds().get(9).accuracy();
        // softmax regression on digits8x8 reaches ~0.95 centrally; ten IID FedAvg rounds must get close
        assertTrue(last > 0.88, "final accuracy " + last);
        assertTrue(last >= first, first + " -> " + last);
        assertEquals(last, r.metrics().accuracy(), 0.0);
        var prov = ((LinearModel) r.model()).provenance().orElseThrow();
        assertEquals("federated/fedavg", prov.trainer());
        assertEquals("iid", prov.parameters().get("partition"));
        assertEquals("fedavg", prov.parameters().get("aggregator"));
        assertEquals(20, prov.parameters().get("clients"));
        assertEquals(10, prov.parameters().get("rounds"));
        assertEquals(3L, prov.seed());
    }

    @Test
    void adaptiveServersLearnDigits() {
        // Reddi et al. 2021 defaults (server lr 0.01, tau 1e-3): softmax regression on digits8x8, 10 IID rounds;
        // from 0.69 after round 1 to 0.85 in the run recorded when this test was written
        for (Strategy s : List.of(Strategy.FedAdam.defaults(), Strategy.FedYogi.defaults())) {
            FederationResult r = Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax())
                    .clients(20).rounds(10).learningRate(0.2).strategy(s).seed(42).build().run();
            assertTrue(r.metrics().accuracy() > 0.8, s.name() + " " + r.metrics().accuracy());
            assertTrue(r.metrics().accuracy() > r.rounds().get(0).accuracy() + 0.1, s.name());
        }
    }

    @Test
    void medianResistsBoostedSignFlippersThatBreakFedAvg() {
        // 30% of clients send −5·delta: the weighted mean moves against the honest direction (0.7 − 1.5 < 0)
        Malicious attack = Malicious.parse("0.3:scale:-5");
        double fedavg = attacked(new Aggregator.WeightedMean(), attack);
        double median = attacked(new Aggregator.Median(), attack);
        assertTrue(fedavg < 0.5, "fedavg under attack " + fedavg);
        assertTrue(median > 0.8, "median under attack " + median);
    }

    private static double attacked(Aggregator a, Malicious m) {
        return Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax()).clients(20).rounds(8)
                .learningRate(0.2).aggregator(a).malicious(m).seed(4).build().run().metrics().accuracy();
    }

    @Test
    void brokenUpdatesAreExcludedAndTrainingContinues() {
        FederationResult r = Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax()).clients(6)
                .rounds(3).learningRate(0.2).seed(2).tamper((client, d) -> {
                    if (client == 1) {
                        d[0] = Double.NaN;
                    } else if (client == 2) {
                        return Arrays.copyOf(d, d.length + 1);
                    } else if (client == 3) {
                        d[5] = Double.POSITIVE_INFINITY;
                    }
                    return d;
                }).build().run();
        for (RoundResult rr : r.rounds()) {
            assertEquals(6, rr.clients());
            assertEquals(3, rr.excluded());
        }
        assertTrue(r.metrics().accuracy() > 0.8, "accuracy " + r.metrics().accuracy());
    }

    @Test
    void aRoundWithTooFewValidUpdatesFailsWithOneLine() {
        Federation f = Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax()).clients(5)
                .rounds(2).seed(2).tamper((client, d) -> {
                    d[0] = Double.NaN;
                    return d;
                }).build();
        BadInputException e = assertThrows(BadInputException.class, f::run);
        assertEquals("round 1: only 0 of 5 client updates were valid; aggregator fedavg needs at least 1",
                e.getMessage());
    }

    @Test
    void builderRejectsRepeatsAndBadValues() {
        assertThrows(IllegalStateException.class, () -> Federation.builder().clients(2).clients(3));
        assertThrows(BadInputException.class, () -> base().clients(0).rounds(1).build());
        assertThrows(BadInputException.class, () -> base().clients(4).rounds(0).build());
        assertThrows(BadInputException.class, () -> base().clients(4).rounds(1).fractionFit(0).build());
        assertThrows(BadInputException.class, () -> base().clients(4).rounds(1).fractionFit(1.5).build());
        BadInputException krum = assertThrows(BadInputException.class,
                () -> base().clients(10).rounds(1).fractionFit(0.4).aggregator(new Aggregator.Krum(1)).build());
        assertEquals("aggregator krum needs at least 5 clients per round, fraction-fit 0.4 of 10 clients gives 4",
                krum.getMessage());
        assertThrows(IllegalStateException.class, () -> Federation.builder().trainData(TRAIN).testData(TEST)
                .initialModel(null).clients(1).rounds(1).build());
    }

    private static Federation.Builder base() {
        return Federation.builder().trainData(TRAIN).testData(TEST).initialModel(softmax());
    }

    @Test
    void strategiesParse() {
        assertEquals(List.of("fedavg", "fedprox", "fedadam", "fedyogi"),
                List.of("fedavg", "fedprox", "fedadam", "FedYogi").stream().map(s -> Strategy.parse(s).name()).toList());
        assertThrows(BadInputException.class, () -> Strategy.parse("scaffold"));
        assertEquals(Malicious.Kind.BACKDOOR, Malicious.parse("0.2:backdoor").kind());
        assertThrows(BadInputException.class, () -> Malicious.parse("1.2:sign-flip"));
    }
}
