package org.botsec.federated.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.rand.Randomness;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.federated.DpFedAvg;
import org.botsec.federated.Federation;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.privacy.accountant.PrivacyAccountant;
import org.botsec.federated.FederationResult;
import org.botsec.federated.Partition;
import org.botsec.federated.Strategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coordinator and clients as separate objects on loopback ports, with real mutual TLS (certificates from
 * {@link CertificateAuthority}). The reference for the numbers is botsec-federated's in-process {@link Federation}
 * with the same seed, shards and initial model.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlNetworkTest {
    private static final long SEED = 7;
    private static final int CLIENTS = 3;

    @TempDir
    static Path certs;

    static Dataset train;
    static Dataset test;
    static Model init;
    static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        CertificateAuthority ca = CertificateAuthority.openOrCreate(certs, "test-federation", Duration.ofDays(1));
        ca.issueServer("server", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        for (int i = 0; i < CLIENTS; i++) {
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

    private static FlServer.Builder server(int rounds) {
        return server(rounds, CLIENTS);
    }

    private static FlServer.Builder server(int rounds, int clients) {
        return FlServer.builder().initialModel(init).tls(TlsFiles.inFolder(certs, "server")).port(0)
                .clients(clients).rounds(rounds).joinTimeout(Duration.ofSeconds(20)).seed(SEED).testData(test).pollWait(Duration.ofMillis(500));
    }

    private static Dataset shard(int i) {
        return train.subset(Federation.clientRows(train, Partition.iid(), CLIENTS, i, SEED));
    }

    private static FlClient.Builder client(int i, int port) {
        return FlClient.builder().server("localhost", port).tls(TlsFiles.inFolder(certs, "client-" + i))
                .data(shard(i)).slot(i).rpcTimeout(Duration.ofSeconds(20)).reconnectTimeout(Duration.ofSeconds(30));
    }

    private static List<Future<FlClient.Result>> startClients(int port, Consumer<FlClient.Builder[]> adjust) {
        FlClient.Builder[] bs = new FlClient.Builder[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            bs[i] = client(i, port);
        }
        adjust.accept(bs);
        List<Future<FlClient.Result>> out = new ArrayList<>();
        for (FlClient.Builder b : bs) {
            FlClient c = b.build();
            out.add(pool.submit(c::run));
        }
        return out;
    }

    private static double[] params(Model m) {
        double[] p = new double[((PerExampleGradients) m).numParameters()];
        ((PerExampleGradients) m).getParameters(p);
        return p;
    }

    private static double[] simulate(Strategy s, int rounds) {
        FederationResult r = Federation.builder().trainData(train).testData(test).initialModel(init).clients(CLIENTS)
                .rounds(rounds).seed(SEED).strategy(s).threads(1).build().run();
        return params(r.model());
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void threeClientFedAvgOverThreeRoundsEqualsTheSimulation() throws Exception {
        double[] expected = simulate(new Strategy.FedAvg(), 3);
        try (FlServer s = server(3).build().start()) {
            List<Future<FlClient.Result>> clients = startClients(s.port(), bs -> { });
            FlServer.Result r = s.awaitResult();
            for (Future<FlClient.Result> f : clients) {
                assertEquals(3, f.get(30, TimeUnit.SECONDS).roundsTrained());
            }
            assertEquals(3, r.rounds().size());
            for (NetRound nr : r.rounds()) {
                assertEquals(3, nr.valid());
                assertEquals(0, nr.excluded() + nr.dropped());
            }
            double diff = maxAbsDiff(expected, params(r.model()));
            assertTrue(diff < 1e-12, "network vs simulation max |diff| " + diff);
            // the model moved: equality with the initial model would make the comparison vacuous
            assertTrue(maxAbsDiff(params(init), params(r.model())) > 1e-3);
            assertTrue(r.rounds().get(2).accuracy().getAsDouble() > 0.5);
        }
    }

    @Test
    void sampledClientsEqualTheSimulationWithTheSameSeed() throws Exception {
        double fraction = 2.0 / 3; // 2 of 3 clients per round
        FederationResult sim = Federation.builder().trainData(train).testData(test).initialModel(init).clients(CLIENTS)
                .rounds(3).seed(SEED).fractionFit(fraction).threads(1).build().run();
        try (FlServer s = server(3).fractionFit(fraction).samplingSeed(SEED).build().start()) {
            List<Future<FlClient.Result>> clients = startClients(s.port(), bs -> { });
            FlServer.Result r = s.awaitResult();
            int trained = 0;
            for (Future<FlClient.Result> f : clients) {
                trained += f.get(30, TimeUnit.SECONDS).roundsTrained();
            }
            assertEquals(6, trained); // 2 per round: the others waited
            for (NetRound nr : r.rounds()) {
                assertEquals(2, nr.selected());
                assertEquals(2, nr.valid());
            }
            assertTrue(r.clientSampling().contains("SplittableRandom as fl simulate --seed 7"), r.clientSampling());
            double diff = maxAbsDiff(params(sim.model()), params(r.model()));
            assertTrue(diff < 1e-12, "sampled network run vs simulation max |diff| " + diff);
            // sampling matters: all three clients every round gives another model
            assertTrue(maxAbsDiff(simulate(new Strategy.FedAvg(), 3), params(r.model())) > 1e-6);
            assertEquals(fraction, ((Mlp) r.model()).provenance().orElseThrow().parameters().get("fraction_fit"));
        }
    }

    /**
     * DP-FedAvg over the network with an (insecure, explicitly requested) seeded noise source against the in-process
     * simulation with the same DpFedAvg settings: Poisson sampling, server-side clipping, noise and the fixed
     * denominator all replay the simulation; ε is the RDP accountant's for (q, z, rounds, δ).
     */
    @Test
    void dpFedAvgEqualsTheSimulationAndReportsTheAccountantsEpsilon() throws Exception {
        double q = 2.0 / 3;
        int rounds = 3;
        DpFedAvg dp = DpFedAvg.builder().l2NormClip(0.3).noiseMultiplier(1.1).delta(1e-5).insecureSeed(11).build();
        FederationResult sim = Federation.builder().trainData(train).testData(test).initialModel(init).clients(CLIENTS)
                .rounds(rounds).seed(SEED).fractionFit(q).dp(dp).threads(1).build().run();
        try (FlServer s = server(rounds).fractionFit(q).dp(dp).build().start()) {
            List<Future<FlClient.Result>> clients = startClients(s.port(), bs -> { });
            FlServer.Result r = s.awaitResult();
            int trained = 0;
            for (Future<FlClient.Result> f : clients) {
                trained += f.get(30, TimeUnit.SECONDS).roundsTrained();
            }
            int selected = r.rounds().stream().mapToInt(NetRound::selected).sum();
            assertEquals(trained, selected);
            assertEquals(sim.rounds().stream().mapToInt(x -> x.clients()).sum(), selected, "Poisson samples differ");
            double diff = maxAbsDiff(params(sim.model()), params(r.model()));
            assertTrue(diff < 1e-12, "DP network vs DP simulation max |diff| " + diff);
            // the noise and the clipping matter: the same sampling without DP gives another model
            assertTrue(maxAbsDiff(simulate(new Strategy.FedAvg(), rounds), params(r.model())) > 1e-3);

            PrivacyGuarantee g = r.privacy().orElseThrow();
            double expected = PrivacyAccountant.epsilon(AccountantType.RDP, 1.1, q, rounds, 1e-5).epsilon();
            assertEquals(expected, g.epsilon(), 0.0);
            assertEquals(sim.privacy().orElseThrow().epsilon(), g.epsilon(), 0.0);
            assertEquals(PrivacyGuarantee.Unit.CLIENT, g.unit());
            assertEquals(q, g.sampleRate(), 0.0);
            assertEquals(rounds, g.steps());
            assertFalse(g.noise().secure()); // seeded: marked not private
            assertEquals(g, ((Mlp) r.model()).provenance().orElseThrow().privacy().orElseThrow());
        }
    }

    @Test
    void dpSettingsAreCheckedWithOneLine(@TempDir Path ckpt) {
        DpFedAvg dp = DpFedAvg.builder().l2NormClip(1).noiseMultiplier(1).delta(1e-5).build();
        BadInputException e = assertThrows(BadInputException.class, () -> server(1).dp(dp)
                .aggregator(org.botsec.federated.Aggregator.parse("median", 0)).build());
        assertTrue(e.getMessage().startsWith("DP-FedAvg needs the fedavg aggregator"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> server(1).dp(dp).fractionFit(0.5).samplingSeed(1).build());
        assertEquals("sampling seed does not apply to DP-FedAvg (its sampling is secure, or seeded by the DP insecure "
                + "seed), got 1", e.getMessage());
        e = assertThrows(BadInputException.class, () -> server(1).dp(dp).checkpointDir(ckpt).build());
        assertTrue(e.getMessage().startsWith("checkpoints with DP-FedAvg are not yet supported"), e.getMessage());
    }

    @Test
    void samplingSettingsAreCheckedWithOneLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> server(1).fractionFit(0).build());
        assertEquals("fraction-fit must be in (0, 1], got 0.0", e.getMessage());
        e = assertThrows(BadInputException.class, () -> server(1).fractionFit(0.5).minFitClients(4).build());
        assertEquals("min-fit-clients must be in [1, 3] (the clients), got 4", e.getMessage());
    }

    @Test
    void robustAggregatorsRunOverTheNetwork() throws Exception {
        for (String agg : List.of("median", "trimmed-mean:0.34", "krum")) {
            try (FlServer s = server(2).aggregator(org.botsec.federated.Aggregator.parse(agg, 0)).build().start()) {
                startClients(s.port(), bs -> { });
                FlServer.Result r = s.awaitResult();
                assertEquals(2, r.rounds().size(), agg);
                assertEquals(3, r.rounds().get(1).valid(), agg);
                assertTrue(maxAbsDiff(params(init), params(r.model())) > 1e-4, agg);
            }
        }
    }

    @Test
    void certificateOfAnotherCaIsRefused(@TempDir Path other) throws Exception {
        CertificateAuthority foreign = CertificateAuthority.openOrCreate(other, "someone-else", Duration.ofDays(1));
        foreign.issueClient("intruder", Duration.ofDays(1));
        try (FlServer s = server(1, 1).build().start()) {
            FlClient intruder = FlClient.builder().server("localhost", s.port())
                    .tls(new TlsFiles(other.resolve("intruder.pem"), other.resolve("intruder.key"),
                            certs.resolve("ca.pem")))
                    .data(shard(0)).reconnectTimeout(Duration.ofSeconds(10)).build();
            BadInputException e = assertThrows(BadInputException.class, intruder::run);
            assertTrue(e.getMessage().contains("TLS with the coordinator"), e.getMessage());
            // the coordinator is unharmed: a client of the federation still completes the run
            FlClient.Result ok = client(0, s.port()).build().run();
            assertEquals(1, ok.roundsTrained());
            assertEquals(1, s.awaitResult().rounds().size());
        }
    }

    @Test
    void revokedCertificateIsRefused(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.openOrCreate(certs, "test-federation", Duration.ofDays(1));
        CertificateAuthority.Issued mallory = ca.issueClient("mallory", Duration.ofDays(1));
        Path crl = dir.resolve("revoked.txt");
        Files.writeString(crl, "# revoked after the laptop was stolen\nserial:" + mallory.serialHex() + "\n");
        try (FlServer s = server(1, 1).revocationList(RevocationList.of(crl)).build().start()) {
            FlClient m = FlClient.builder().server("localhost", s.port()).tls(TlsFiles.inFolder(certs, "mallory"))
                    .data(shard(0)).reconnectTimeout(Duration.ofSeconds(10)).build();
            BadInputException e = assertThrows(BadInputException.class, m::run);
            assertTrue(e.getMessage().contains("TLS with the coordinator"), e.getMessage());
            FlClient.Result ok = client(0, s.port()).build().run();
            assertEquals(1, ok.roundsTrained());
        }
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        CertificateAuthority ca = CertificateAuthority.openOrCreate(certs, "test-federation", Duration.ofDays(1));
        java.time.Instant now = java.time.Instant.now();
        ca.issueClientValid("expired", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(3)));
        try (FlServer s = server(1, 1).build().start()) {
            FlClient old = FlClient.builder().server("localhost", s.port()).tls(TlsFiles.inFolder(certs, "expired"))
                    .data(shard(0)).reconnectTimeout(Duration.ofSeconds(10)).build();
            BadInputException e = assertThrows(BadInputException.class, old::run);
            assertTrue(e.getMessage().contains("TLS with the coordinator"), e.getMessage());
            assertEquals(1, client(0, s.port()).build().run().roundsTrained());
        }
    }

    @Test
    void shapeMismatchAndNanUpdatesAreExcludedAndTrainingContinues() throws Exception {
        try (FlServer s = server(2).minClients(1).build().start()) {
            List<Future<FlClient.Result>> clients = startClients(s.port(), bs -> {
                bs[1].tamper(d -> java.util.Arrays.copyOf(d, d.length - 1));
                bs[2].tamper(d -> {
                    d[3] = Double.NaN;
                    return d;
                });
            });
            FlServer.Result r = s.awaitResult();
            assertEquals(2, r.rounds().size());
            for (NetRound nr : r.rounds()) {
                assertEquals(1, nr.valid());
                assertEquals(2, nr.excluded());
            }
            assertEquals(0, clients.get(0).get(30, TimeUnit.SECONDS).updatesRefused());
            assertEquals(2, clients.get(1).get(30, TimeUnit.SECONDS).updatesRefused());
            assertEquals(2, clients.get(2).get(30, TimeUnit.SECONDS).updatesRefused());
            for (double v : params(r.model())) {
                assertTrue(Double.isFinite(v));
            }
        }
    }

    @Test
    void aDroppedClientDoesNotStopTheRoundAboveTheMinimum() throws Exception {
        try (FlServer s = server(3).minClients(2).roundTimeout(Duration.ofSeconds(2)).gatherTime(Duration.ofSeconds(1)).build().start()) {
            startClients(s.port(), bs -> bs[2].dropAfterRounds(1));
            FlServer.Result r = s.awaitResult();
            assertEquals(3, r.rounds().size());
            assertEquals(3, r.rounds().get(0).valid());
            assertEquals(2, r.rounds().get(1).valid());
            assertEquals(2, r.rounds().get(2).valid());
            assertEquals(1, r.rounds().get(1).dropped());
        }
    }

    @Test
    void tooFewClientsAbortsWithOneLine() {
        try (FlServer s = FlServer.builder().initialModel(init).tls(TlsFiles.inFolder(certs, "server")).port(0)
                .clients(CLIENTS).rounds(3).seed(SEED).pollWait(Duration.ofMillis(500)).minClients(3)
                .roundTimeout(Duration.ofSeconds(2)).joinTimeout(Duration.ofSeconds(5)).maxAttempts(2).build().start()) {
            startClients(s.port(), bs -> bs[2].dropAfterRounds(1));
            BadInputException e = assertThrows(BadInputException.class, s::awaitResult);
            assertTrue(e.getMessage().startsWith("round 2 aborted after 2 attempt(s)"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void restartedServerResumesFromItsCheckpoint(@TempDir Path ckpt) throws Exception {
        Strategy adam = new Strategy.FedAdam(0.01, 0.9, 0.99, 1e-3);
        double[] expected = simulate(adam, 3);
        AtomicReference<FlServer> first = new AtomicReference<>();
        FlServer a = server(3).strategy(adam).checkpointDir(ckpt).listener(nr -> {
            if (nr.round() == 2) {
                first.get().close(); // the coordinator dies right after writing round 2's checkpoint
            }
        }).build();
        first.set(a);
        a.start();
        int port = a.port();
        List<Future<FlClient.Result>> clients = startClients(port, bs -> { });
        assertThrows(IllegalStateException.class, a::awaitResult);
        assertTrue(Checkpoint.exists(ckpt));
        assertEquals(2, Checkpoint.read(ckpt).round());
        try (FlServer b = FlServer.builder().initialModel(init).tls(TlsFiles.inFolder(certs, "server")).port(port)
                .clients(CLIENTS).rounds(3).seed(SEED).testData(test).pollWait(Duration.ofMillis(500))
                .joinTimeout(Duration.ofSeconds(20)).strategy(adam).checkpointDir(ckpt).build().start()) {
            FlServer.Result r = b.awaitResult();
            assertEquals(2, r.resumedAfterRound());
            assertEquals(3, r.rounds().size());
            for (Future<FlClient.Result> f : clients) {
                f.get(30, TimeUnit.SECONDS);
            }
            double diff = maxAbsDiff(expected, params(r.model()));
            assertTrue(diff < 1e-12, "resumed run vs uninterrupted simulation max |diff| " + diff);
        }
    }

    @Test
    void checkpointOfAnotherRunIsRefused(@TempDir Path ckpt) throws Exception {
        new Checkpoint(1, new Checkpoint.Settings("fedavg", "median", 3, SEED, CLIENTS,
                ((PerExampleGradients) init).numParameters()), List.of(), params(init), java.util.Optional.empty())
                .write(ckpt, init);
        try (FlServer s = server(3).checkpointDir(ckpt).build().start()) {
            BadInputException e = assertThrows(BadInputException.class, s::awaitResult);
            assertTrue(e.getMessage().startsWith("checkpoint in "), e.getMessage());
        }
    }

    @Test
    void oversizedUpdateIsRejectedByTheTransport() throws Exception {
        int numParams = ((PerExampleGradients) init).numParameters();
        try (FlServer s = server(2).minClients(2).roundTimeout(Duration.ofSeconds(2))
                .maxMessageBytes(8 * numParams + 1024).build().start()) {
            UnaryOperator<double[]> huge = d -> new double[d.length * 2];
            List<Future<FlClient.Result>> clients = startClients(s.port(), bs -> bs[0].tamper(huge));
            FlServer.Result r = s.awaitResult();
            for (NetRound nr : r.rounds()) {
                assertEquals(2, nr.valid());
                assertEquals(1, nr.dropped()); // refused before parsing: the coordinator never saw an update
            }
            assertEquals(2, clients.get(0).get(30, TimeUnit.SECONDS).updatesRefused());
        }
    }
}
