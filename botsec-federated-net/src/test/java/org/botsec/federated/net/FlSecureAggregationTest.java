package org.botsec.federated.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.rand.Randomness;
import org.botsec.federated.ClientUpdate;
import org.botsec.federated.Federation;
import org.botsec.federated.Partition;
import org.botsec.federated.SecureAggregation;
import org.botsec.federated.net.proto.SecAggRevealed;
import org.botsec.federated.net.proto.SecAggTask;
import org.botsec.federated.net.proto.SecAggUpload;
import org.botsec.federated.net.proto.Update;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secure aggregation over gRPC + mutual TLS on loopback (Bonawitz et al. 2017, four stages per round). References:
 * botsec-federated's in-process plain FedAvg ({@link Federation}, same seed and shards) and, with dropouts, the
 * weighted mean of the updates the surviving clients encoded (captured on the client side before masking); the
 * tolerance is the fixed-point bound of {@link SecureAggregation} (weighted mean off by ≤ 2^−33 per round).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlSecureAggregationTest {
    private static final long SEED = 7;

    @TempDir
    static Path certs;

    static Dataset train;
    static Dataset test;
    static Model init;
    static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        CertificateAuthority ca = CertificateAuthority.openOrCreate(certs, "secagg-test", Duration.ofDays(1));
        ca.issueServer("server", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        for (int i = 0; i < 8; i++) {
            ca.issueClient("client-" + i, Duration.ofDays(1));
        }
        train = Builtins.load("digits8x8", Split.TRAIN);
        test = Builtins.load("digits8x8", Split.TEST);
        init = Mlp.create(new int[] {train.numFeatures(), 16, train.numClasses()}, train.featureNames(),
                train.classNames(), Randomness.replayable(SEED));
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    private static FlClient.Builder client(int i, int n, int port, Map<Integer, ClientUpdate> inputs) {
        Dataset shard = train.subset(Federation.clientRows(train, Partition.iid(), n, i, SEED));
        return FlClient.builder().server("localhost", port).tls(TlsFiles.inFolder(certs, "client-" + i)).data(shard)
                .slot(i).rpcTimeout(Duration.ofSeconds(20)).reconnectTimeout(Duration.ofSeconds(30))
                .secAggInputListener(u -> inputs.put(u.clientId(), u));
    }

    private static double[] params(Model m) {
        double[] p = new double[((PerExampleGradients) m).numParameters()];
        ((PerExampleGradients) m).getParameters(p);
        return p;
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** Share of entries with |v| &lt; 2^40: ≈ 2^−23 for a uniform vector in Z/2^64, ≈ 1 for an encoded update. */
    private static double smallShare(List<Long> v) {
        return v.stream().filter(x -> Math.abs(x) < (1L << 40)).count() / (double) v.size();
    }

    private static List<Long> encoded(ClientUpdate u) {
        List<Long> out = new ArrayList<>();
        for (double d : u.delta()) {
            out.add(Math.round(Math.scalb(u.numExamples() * d, 32)));
        }
        out.add(Math.round(Math.scalb((double) u.numExamples(), 32)));
        out.add(0L);
        return out;
    }

    @Test
    void secureRoundsEqualPlainFedAvgAndTheCoordinatorSeesOnlyMaskedVectors() throws Exception {
        int n = 3;
        double[] plain = params(Federation.builder().trainData(train).testData(test).initialModel(init).clients(n)
                .rounds(2).seed(SEED).threads(1).build().run().model());
        List<com.google.protobuf.Message> received = new CopyOnWriteArrayList<>();
        Map<Integer, ClientUpdate> inputs = new ConcurrentHashMap<>();
        try (FlServer s = FlServer.builder().initialModel(init).tls(TlsFiles.inFolder(certs, "server")).port(0)
                .clients(n).rounds(2).seed(SEED).testData(test).pollWait(Duration.ofMillis(500))
                .joinTimeout(Duration.ofSeconds(20)).secureAggregation(SecureAggregation.defaults())
                .inboundListener(received::add).build().start()) {
            List<Future<FlClient.Result>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                FlClient c = client(i, n, s.port(), inputs).build();
                fs.add(pool.submit(c::run));
            }
            FlServer.Result r = s.awaitResult();
            for (Future<FlClient.Result> f : fs) {
                assertEquals(2, f.get(30, TimeUnit.SECONDS).roundsTrained());
            }
            for (NetRound nr : r.rounds()) {
                assertEquals(3, nr.valid());
            }
            double diff = maxAbsDiff(plain, params(r.model()));
            // per round the weighted mean is off by <= 2^-33 (SecureAggregation's bound); two rounds of training
            // carry the first round's error forward, hence the margin
            assertTrue(diff < 1e-8, "secure vs plain FedAvg max |diff| " + diff);
            assertTrue(maxAbsDiff(params(init), params(r.model())) > 1e-3);

            // what the coordinator's handlers received: no plain update, and every masked vector uniform-looking
            // although the clients' encoded inputs are small numbers
            int maskedVectors = 0;
            for (com.google.protobuf.Message m : received) {
                assertFalse(m instanceof Update, "the coordinator received a plain update");
                SecAggUpload u = (SecAggUpload) m;
                if (u.getMaskedCount() > 0) {
                    maskedVectors++;
                    assertTrue(smallShare(u.getMaskedList()) < 0.01, "a masked vector looks like an update");
                    for (ClientUpdate in : inputs.values()) {
                        assertFalse(u.getMaskedList().equals(encoded(in)));
                    }
                }
                for (SecAggRevealed rv : u.getRevealedList()) {
                    assertFalse(rv.getMaskKey(), "no client dropped: no masking key may be revealed");
                }
            }
            assertEquals(6, maskedVectors); // 3 clients x 2 rounds
            for (ClientUpdate in : inputs.values()) {
                assertTrue(smallShare(encoded(in)) > 0.99); // the check above can tell an update from a mask
            }
        }
    }

    /** The SecAgg+ ring (k = 4 of 7 others, t = 3) instead of the complete graph. */
    @Test
    void ringNeighbourhoodAggregatesTheSum() throws Exception {
        int n = 8;
        Map<Integer, ClientUpdate> inputs = new ConcurrentHashMap<>();
        try (FlServer s = FlServer.builder().initialModel(init).tls(TlsFiles.inFolder(certs, "server")).port(0)
                .clients(n).rounds(1).seed(SEED).pollWait(Duration.ofMillis(500)).roundTimeout(Duration.ofSeconds(10))
                .joinTimeout(Duration.ofSeconds(20)).maxAttempts(1).secureAggregation(new SecureAggregation(4, 32, 0))
                .build().start()) {
            List<Future<FlClient.Result>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                FlClient c = client(i, n, s.port(), inputs).build();
                fs.add(pool.submit(c::run));
            }
            FlServer.Result r;
            try {
                r = s.awaitResult();
            } finally {
                for (Future<FlClient.Result> f : fs) {
                    if (f.isDone()) {
                        try {
                            f.get();
                        } catch (java.util.concurrent.ExecutionException e) {
                            e.getCause().printStackTrace();
                        }
                    }
                }
            }
            assertEquals(8, r.rounds().get(0).valid());
            double[] expected = params(init);
            double weight = 0;
            double[] sum = new double[expected.length];
            for (ClientUpdate u : inputs.values()) {
                weight += u.numExamples();
                double[] d = u.delta();
                for (int j = 0; j < d.length; j++) {
                    sum[j] += u.numExamples() * d[j];
                }
            }
            for (int j = 0; j < expected.length; j++) {
                expected[j] += sum[j] / weight;
            }
            double diff = maxAbsDiff(expected, params(r.model()));
            assertTrue(diff < 1e-9, "ring: unmasked aggregate vs FedAvg of the inputs max |diff| " + diff);
        }
    }

    @Test
    void dropoutsBeforeAndAfterMaskingAreRecoveredFromShares() throws Exception {
        int n = 6; // complete graph: k = 5, t = 3
        List<com.google.protobuf.Message> received = new CopyOnWriteArrayList<>();
        Map<Integer, ClientUpdate> inputs = new ConcurrentHashMap<>();
        try (FlServer s = FlServer.builder().initialModel(init).tls(TlsFiles.inFolder(certs, "server")).port(0)
                .clients(n).rounds(1).seed(SEED).pollWait(Duration.ofMillis(500)).roundTimeout(Duration.ofSeconds(4))
                .joinTimeout(Duration.ofSeconds(20)).minFitClients(2).secureAggregation(SecureAggregation.defaults())
                .inboundListener(received::add).build().start()) {
            List<Future<FlClient.Result>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                FlClient.Builder cb = client(i, n, s.port(), inputs);
                if (i == 1) {
                    cb.dropAtSecAggStage(SecAggTask.Stage.MASKED_INPUT); // shared its keys, never sends its input
                } else if (i == 4) {
                    cb.dropAtSecAggStage(SecAggTask.Stage.UNMASK); // sent its masked input, then gone
                }
                FlClient c = cb.build();
                fs.add(pool.submit(c::run));
            }
            FlServer.Result r = s.awaitResult();
            NetRound nr = r.rounds().get(0);
            assertEquals(5, nr.valid());
            assertEquals(1, nr.dropped());
            assertEquals(Set.of(0, 2, 3, 4, 5), inputs.keySet());
            // reference: FedAvg of what the five senders encoded, computed in the clear here
            double[] expected = params(init);
            double weight = 0;
            double[] sum = new double[expected.length];
            for (ClientUpdate u : inputs.values()) {
                weight += u.numExamples();
                double[] d = u.delta();
                for (int j = 0; j < d.length; j++) {
                    sum[j] += u.numExamples() * d[j];
                }
            }
            for (int j = 0; j < expected.length; j++) {
                expected[j] += sum[j] / weight;
            }
            double diff = maxAbsDiff(expected, params(r.model()));
            assertTrue(diff < 1e-9, "unmasked aggregate vs FedAvg of the senders max |diff| " + diff);

            // slot 1's masking key and slot 4's seed were rebuilt from shares; no owner had both revealed
            Map<Integer, Set<Boolean>> kinds = new HashMap<>();
            for (com.google.protobuf.Message m : received) {
                assertFalse(m instanceof Update);
                for (SecAggRevealed rv : ((SecAggUpload) m).getRevealedList()) {
                    kinds.computeIfAbsent(rv.getOwnerSlot(), k -> new HashSet<>()).add(rv.getMaskKey());
                }
            }
            assertEquals(Set.of(true), kinds.get(1));
            assertEquals(Set.of(false), kinds.get(4));
            for (Set<Boolean> k : kinds.values()) {
                assertEquals(1, k.size());
            }
        }
    }

    /**
     * DP-FedAvg under secure aggregation: the clients clip (the coordinator cannot see their updates) and the
     * coordinator adds seeded noise to the unmasked sum; reference: the simulation with the same DpFedAvg and secure
     * aggregation (q = 1, so every client is in every round), equal within the fixed-point bound.
     */
    @Test
    void dpFedAvgUnderSecureAggregationEqualsTheSimulation() throws Exception {
        int n = 3;
        org.botsec.federated.DpFedAvg dp = org.botsec.federated.DpFedAvg.builder().l2NormClip(0.3).noiseMultiplier(0.8)
                .delta(1e-5).insecureSeed(5).build();
        org.botsec.federated.FederationResult sim = Federation.builder().trainData(train).testData(test)
                .initialModel(init).clients(n).rounds(2).seed(SEED).threads(1).dp(dp)
                .secureAggregation(SecureAggregation.defaults()).build().run();
        Map<Integer, ClientUpdate> inputs = new ConcurrentHashMap<>();
        try (FlServer s = FlServer.builder().initialModel(init).tls(TlsFiles.inFolder(certs, "server")).port(0)
                .clients(n).rounds(2).seed(SEED).pollWait(Duration.ofMillis(500)).joinTimeout(Duration.ofSeconds(20))
                .dp(dp).secureAggregation(SecureAggregation.defaults()).build().start()) {
            for (int i = 0; i < n; i++) {
                FlClient c = client(i, n, s.port(), inputs).build();
                pool.submit(c::run);
            }
            FlServer.Result r = s.awaitResult();
            double diff = maxAbsDiff(params(sim.model()), params(r.model()));
            assertTrue(diff < 1e-8, "DP + secure aggregation: network vs simulation max |diff| " + diff);
            assertEquals(sim.privacy().orElseThrow().epsilon(), r.privacy().orElseThrow().epsilon(), 0.0);
            assertEquals("client-side (secure aggregation hides single updates)",
                    ((Mlp) r.model()).provenance().orElseThrow().parameters().get("dp_clipping"));
        }
    }
}
