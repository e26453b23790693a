package org.botsec.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.federated.internal.SecAggRound;
import org.botsec.federated.internal.Shamir;
import org.junit.jupiter.api.Test;

class SecureAggregationTest {
    private static final Dataset TRAIN = Builtins.load("digits8x8", Split.TRAIN);
    private static final Dataset TEST = Builtins.load("digits8x8", Split.TEST);

    private static double[] params(Object model) {
        PerExampleGradients g = (PerExampleGradients) model;
        double[] p = new double[g.numParameters()];
        g.getParameters(p);
        return p;
    }

    @Test
    void shamirAnyThresholdSharesGiveTheSecretAndFewerDoNot() {
        Random r = new Random(1);
        BigInteger secret = new BigInteger(256, r);
        BigInteger[] shares = Shamir.split(secret, 7, 4, r);
        assertEquals(secret, Shamir.reconstruct(new int[] {1, 2, 3, 4}, new BigInteger[] {shares[0], shares[1],
                shares[2], shares[3]}));
        assertEquals(secret, Shamir.reconstruct(new int[] {7, 2, 5, 3}, new BigInteger[] {shares[6], shares[1],
                shares[4], shares[2]}));
        assertNotEquals(secret, Shamir.reconstruct(new int[] {1, 2, 3}, new BigInteger[] {shares[0], shares[1],
                shares[2]}));
    }

    private static long[][] randomInputs(int n, int m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[][] x = new long[n][m];
        for (long[] row : x) {
            for (int j = 0; j < m; j++) {
                row[j] = r.nextLong(-1_000_000_000L, 1_000_000_000L);
            }
        }
        return x;
    }

    /** Σ y_u over the clients that sent, unmasked, must equal Σ x_u over them exactly (integers mod 2^64). */
    private static void checkExactSum(SecureAggregation cfg, int n, Set<Integer> dropped) {
        int m = 50;
        int[] ids = IntStream.range(0, n).map(i -> 3 * i + 1).toArray(); // ids need not be positions
        SecAggRound round = new SecAggRound(cfg, ids, m, 7, new SplittableRandom(3), new SecureRandom());
        long[][] x = randomInputs(n, m, 9);
        long[] masked = new long[m];
        long[] expected = new long[m];
        Set<Integer> sent = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (dropped.contains(ids[i])) {
                continue;
            }
            long[] y = round.maskedInput(ids[i], x[i]);
            for (int j = 0; j < m; j++) {
                masked[j] += y[j];
                expected[j] += x[i][j];
            }
            sent.add(ids[i]);
        }
        assertArrayEquals(expected, round.unmask(masked, sent));
    }

    @Test
    void unmaskedSumIsExactWithoutAndWithDropoutsBelowTheThreshold() {
        SecureAggregation cfg = new SecureAggregation(8, 32, 0);
        // n = 12: ring of k = 8 neighbours, t = 5: up to 3 dropped neighbours per client
        assertEquals(8, cfg.neighboursFor(12));
        assertEquals(5, cfg.thresholdFor(12));
        checkExactSum(cfg, 12, Set.of());
        checkExactSum(cfg, 12, Set.of(1, 4, 7)); // three clients dropped after sharing keys
        // complete graph (n = 6, k = 5, t = 3): survivors need t others that sent, so up to n - 1 - t = 2 dropouts
        assertEquals(5, cfg.neighboursFor(6));
        assertEquals(5, SecureAggregation.defaults().neighboursFor(6));
        checkExactSum(cfg, 6, Set.of(1, 10));
        checkExactSum(cfg, 2, Set.of());
        checkExactSum(cfg, 1, Set.of());
    }

    @Test
    void defaultNeighbourhoodMeetsItsFailureBound() {
        // n = 1000 at 5 % dropouts: the union bound n P[Bin(k, 0.05) > k - t] must be <= 1e-6 and not at k - 2
        SecureAggregation cfg = SecureAggregation.defaults();
        int k = cfg.neighboursFor(1000);
        assertTrue(k >= 20 && k % 2 == 0, "k " + k);
        assertTrue(1000 * SecureAggregation.binomialTailAbove(k, 0.05, k - (k / 2 + 1)) <= 1e-6);
        if (k > 20) {
            assertTrue(1000 * SecureAggregation.binomialTailAbove(k - 2, 0.05, k - 2 - ((k - 2) / 2 + 1)) > 1e-6);
        }
        // tail against a brute-force sum of binomial probabilities (k = 6, rho = 0.3, P[X > 2])
        double brute = 0;
        for (int i = 3; i <= 6; i++) {
            brute += choose(6, i) * Math.pow(0.3, i) * Math.pow(0.7, 6 - i);
        }
        assertEquals(brute, SecureAggregation.binomialTailAbove(6, 0.3, 2), 1e-14);
        assertTrue(cfg.withSimulatedDropout(0.2).neighboursFor(1000) > k);
    }

    private static double choose(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    @Test
    void tooManyDropoutsFailWithOneLine() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> checkExactSum(SecureAggregation.defaults(), 6, Set.of(1, 4, 7)));
        assertTrue(e.getMessage().startsWith("secure aggregation: client "), e.getMessage());
        assertTrue(e.getMessage().contains("the threshold is 3 (too many dropouts this round)"), e.getMessage());
    }

    /**
     * What the coordinator receives from one client must look uniform in Z/2^64 whatever the update: a chi-square
     * test over the top 4 bits and the low 4 bits of 8,192 masked values (15 degrees of freedom; 50 is exceeded
     * with probability ≈ 1e-5). The update is all zeros (unmasked, every value falls in one bucket: chi-square
     * 122,880) or a constant: the test fails if the masks are removed. Two masked copies of the same update in two
     * rounds differ.
     */
    @Test
    void aSingleMaskedUpdateIsUniformWhateverItHolds() {
        int m = 8192;
        for (long constant : new long[] {0L, 12345L << 32}) {
            long[] x = new long[m];
            java.util.Arrays.fill(x, constant);
            SecAggRound round = new SecAggRound(SecureAggregation.defaults(), new int[] {0, 1, 2, 3, 4}, m, 1,
                    new SplittableRandom(1), new SecureRandom());
            long[] y = round.maskedInput(2, x);
            assertTrue(chiSquare(y, 60) < 50, "top bits chi-square " + chiSquare(y, 60));
            assertTrue(chiSquare(y, 0) < 50, "low bits chi-square " + chiSquare(y, 0));
            SecAggRound next = new SecAggRound(SecureAggregation.defaults(), new int[] {0, 1, 2, 3, 4}, m, 2,
                    new SplittableRandom(1), new SecureRandom());
            long[] y2 = next.maskedInput(2, x);
            long equal = IntStream.range(0, m).filter(j -> y[j] == y2[j]).count();
            assertTrue(equal < 3, "masks repeat across rounds: " + equal);
        }
    }

    private static double chiSquare(long[] y, int shift) {
        int[] counts = new int[16];
        for (long v : y) {
            counts[(int) ((v >>> shift) & 15)]++;
        }
        double e = y.length / 16.0;
        double c = 0;
        for (int k : counts) {
            c += (k - e) * (k - e) / e;
        }
        return c;
    }

    private static Federation.Builder base(int rounds) {
        return Federation.builder().trainData(TRAIN).testData(TEST)
                .initialModel(LinearModel.zeros(TRAIN.featureNames(), TRAIN.classNames())).clients(12).rounds(rounds)
                .learningRate(0.2).partition(Partition.dirichlet(0.5)).seed(6);
    }

    @Test
    void securelyAggregatedFedAvgEqualsPlainFedAvgWithinTheFixedPointBound() {
        SecureAggregation sa = SecureAggregation.defaults();
        double[] plain = params(base(1).build().run().model());
        double[] secure = params(base(1).secureAggregation(sa).build().run().model());
        // one round from zero: |error| <= n 2^-(f+1) / W <= 2^-(f+1) (W = examples >= n), plus double rounding
        double bound = Math.scalb(1.0, -(sa.fractionalBits() + 1)) + 1e-13;
        double worst = 0;
        for (int j = 0; j < plain.length; j++) {
            worst = Math.max(worst, Math.abs(plain[j] - secure[j]));
        }
        assertTrue(worst <= bound, "max error " + worst + " > bound " + bound);
        assertTrue(worst > 0, "the fixed-point encoding should round something");
        // over three rounds the two runs stay together (same accuracy per round)
        FederationResult a = base(3).build().run();
        FederationResult b = base(3).secureAggregation(sa).build().run();
        for (int i = 0; i < 3; i++) {
            assertEquals(a.rounds().get(i).accuracy(), b.rounds().get(i).accuracy(), 1e-9);
        }
    }

    @Test
    void dropoutsBelowTheThresholdLetTheRoundComplete() {
        FederationResult r = base(4).secureAggregation(SecureAggregation.defaults().withSimulatedDropout(0.2)).build()
                .run();
        int dropped = r.rounds().stream().mapToInt(RoundResult::dropped).sum();
        assertTrue(dropped >= 3, "dropped " + dropped + " of 48 (rate 0.2)");
        assertTrue(r.metrics().accuracy() > 0.8, "accuracy " + r.metrics().accuracy());
        assertTrue(((LinearModel) r.model()).provenance().orElseThrow().parameters().containsKey("secure_aggregation"));
    }

    @Test
    void secureAggregationWithDpFedAvgAndBadCombinations() {
        FederationResult r = base(3).fractionFit(0.5).secureAggregation(SecureAggregation.defaults())
                .dp(DpFedAvg.builder().l2NormClip(1.0).noiseMultiplier(0.3).delta(1e-5).insecureSeed(1).build())
                .build().run();
        assertTrue(r.privacy().isPresent());
        BadInputException e = assertThrows(BadInputException.class,
                () -> base(1).aggregator(new Aggregator.Median()).secureAggregation(SecureAggregation.defaults())
                        .build());
        assertEquals("secure aggregation needs a summing aggregator (fedavg or norm-bound:C); median looks at single "
                + "updates, which secure aggregation hides", e.getMessage());
        assertThrows(BadInputException.class, () -> new SecureAggregation(0, 60, 0));
        assertThrows(BadInputException.class, () -> new SecureAggregation(0, 32, 1.0));
    }
}
