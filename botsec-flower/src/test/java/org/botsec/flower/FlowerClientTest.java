package org.botsec.flower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.flower.internal.proto.Metadata;
import org.botsec.flower.internal.proto.MetricRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against {@link FakeSuperLink}, an in-process server written from the protocol description. The FedAvg
 * reference is computed in the test: one full-batch gradient step of softmax regression per client (the gradient
 * written out from its formula, (p − onehot(y)) xᵀ averaged over the rows), then Flower's FedAvg, Σ nᵢ wᵢ / Σ nᵢ.
 */
class FlowerClientTest {
    static final int D = 4;
    static final int K = 3;
    static final List<String> CLASSES = List.of("a", "b", "c");
    static final List<String> FEATURES = List.of("f0", "f1", "f2", "f3");

    FakeSuperLink link;
    Server server;
    ManagedChannel channel;
    ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws Exception {
        link = new FakeSuperLink(Clock.systemUTC());
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).maxInboundMessageSize(16 << 20).addService(ServerInterceptors.intercept(link, link.auth()))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).maxInboundMessageSize(16 << 20).build();
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static Dataset data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * D];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(K);
            for (int j = 0; j < D; j++) {
                x[i * D + j] = r.nextGaussian() + (j == y[i] ? 1.5 : 0);
            }
        }
        return new Dataset(new Matrix(n, D, x), y, FEATURES, CLASSES, "test-" + seed);
    }

    FlowerClient.Builder client(Dataset train, Dataset test, int maxMessages) {
        return FlowerClient.builder().channel(channel).model(LinearModel.zeros(FEATURES, CLASSES)).trainData(train)
                .testData(test).batchSize(10_000).localEpochs(1).learningRate(0.01).seed(7)
                .maxMessages(maxMessages).pollInterval(Duration.ofMillis(5)).heartbeatInterval(Duration.ofMillis(50))
                .idleTimeout(Duration.ofSeconds(30)).linger(Duration.ofMillis(100));
    }

    List<Long> awaitNodes(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            if (link.activeNodes().size() >= n) {
                return link.activeNodes();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("nodes did not activate: " + link.activeNodes());
    }

    static Metadata metadata(long node, String type) {
        return Metadata.newBuilder().setRunId(42).setSrcNodeId(1).setDstNodeId(node).setMessageType(type)
                .setCreatedAt(System.currentTimeMillis() / 1000.0).setTtl(3600).build();
    }

    static SpecObjects.Built train(long node, double[] w, double[] b, double lr, int chunkSize) {
        SpecObjects.MessageBuilder mb = new SpecObjects.MessageBuilder();
        mb.chunkSize = chunkSize;
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("0", SpecObjects.npy(w, K, D));
        arrays.put("1", SpecObjects.npy(b, K));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", lr);
        config.put("server-round", 1);
        return mb.arrays("arrays", arrays).config("config", config).build(metadata(node, "train"));
    }

    /** One full-batch gradient step of softmax regression, from the formula. */
    static double[] oracleStep(Dataset d, double[] w, double[] b, double lr) {
        double[] gw = new double[K * D];
        double[] gb = new double[K];
        int n = d.size();
        for (int i = 0; i < n; i++) {
            double[] z = new double[K];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < K; c++) {
                z[c] = b[c];
                for (int j = 0; j < D; j++) {
                    z[c] += w[c * D + j] * d.x().get(i, j);
                }
                max = Math.max(max, z[c]);
            }
            double s = 0;
            for (int c = 0; c < K; c++) {
                z[c] = Math.exp(z[c] - max);
                s += z[c];
            }
            for (int c = 0; c < K; c++) {
                double g = z[c] / s - (d.y()[i] == c ? 1 : 0);
                gb[c] += g / n;
                for (int j = 0; j < D; j++) {
                    gw[c * D + j] += g * d.x().get(i, j) / n;
                }
            }
        }
        double[] out = new double[K * D + K];
        for (int i = 0; i < K * D; i++) {
            out[i] = w[i] - lr * gw[i];
        }
        for (int c = 0; c < K; c++) {
            out[K * D + c] = b[c] - lr * gb[c];
        }
        return out;
    }

    static double metric(MetricRecord m, String key) {
        for (MetricRecord.Item it : m.getItemsList()) {
            if (it.getKey().equals(key)) {
                return switch (it.getValue().getValueCase()) {
                    case DOUBLE -> it.getValue().getDouble();
                    case SINT64 -> it.getValue().getSint64();
                    default -> throw new AssertionError(key + " has type " + it.getValue().getValueCase());
                };
            }
        }
        throw new AssertionError("no metric " + key);
    }

    static List<String> keys(MetricRecord m) {
        return m.getItemsList().stream().map(MetricRecord.Item::getKey).toList();
    }

    @Test
    void twoClientsCompleteAFedAvgRoundThatEqualsTheFormula() throws Exception {
        Dataset trainA = data(20, 1);
        Dataset trainB = data(35, 2);
        Dataset testA = data(15, 3);
        Dataset testB = data(25, 4);
        Future<FlowerRunSummary> a = pool.submit(() -> client(trainA, testA, 2).build().run());
        List<Long> first = awaitNodes(1);
        Future<FlowerRunSummary> bFuture = pool.submit(() -> client(trainB, testB, 2).build().run());
        List<Long> nodes = awaitNodes(2);
        long nodeA = first.get(0);
        long nodeB = nodes.get(0) == nodeA ? nodes.get(1) : nodes.get(0);

        SplittableRandom r = new SplittableRandom(11);
        double[] w = new double[K * D];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextGaussian() * 0.1;
        }
        double[] bias = new double[K]; // all zero: its .npy body splits into identical 8-byte chunks
        double lr = 0.5;
        SpecObjects.Built mA = train(nodeA, w, bias, lr, 8);
        SpecObjects.Built mB = train(nodeB, w, bias, lr, 8);
        link.enqueue(nodeA, mA);
        link.enqueue(nodeB, mB);
        List<FakeSuperLink.Reply> replies = link.awaitReplies(2, Duration.ofSeconds(30));

        double[] expectedA = oracleStep(trainA, w, bias, lr);
        double[] expectedB = oracleStep(trainB, w, bias, lr);
        double[] fedAvg = new double[expectedA.length];
        double[] aggregated = new double[expectedA.length];
        double total = 0;
        for (FakeSuperLink.Reply rep : replies) {
            SpecObjects.Reply dec = SpecObjects.decode(rep.tree().getObjectId(), link.store);
            Metadata md = dec.metadata();
            SpecObjects.Built in = rep.nodeId() == nodeA ? mA : mB;
            // the reply's metadata answers the message it replies to
            assertEquals(in.proto().getMetadata().getMessageId(), md.getReplyToMessageId());
            assertEquals(rep.nodeId(), md.getSrcNodeId());
            assertEquals(1, md.getDstNodeId());
            assertEquals("train", md.getMessageType());
            assertEquals("", md.getMessageId(), "the Message object carries a blank message_id");
            assertEquals(in.proto().getMetadata().getCreatedAt() + 3600, md.getCreatedAt() + md.getTtl(), 1e-3);
            // its message ID is the SHA-256 of the Message object, recomputed here
            assertEquals(SpecObjects.id(link.store.get(rep.tree().getObjectId())),
                    rep.proto().getMetadata().getMessageId());
            assertTrue(dec.error().isEmpty());
            assertEquals(List.of("arrays"), new ArrayList<>(dec.arrays().keySet()));
            assertEquals(List.of("0", "1"), new ArrayList<>(dec.arrays().get("arrays").keySet()));
            assertEquals(List.of(K, D), dec.shapes().get("arrays").get("0"));
            assertEquals(List.of(K), dec.shapes().get("arrays").get("1"));
            MetricRecord m = dec.metrics().get("metrics");
            assertEquals(List.of("train_loss", "num-examples"), keys(m));
            int n = rep.nodeId() == nodeA ? trainA.size() : trainB.size();
            assertEquals(n, metric(m, "num-examples"));
            double[] got = new double[expectedA.length];
            System.arraycopy(dec.arrays().get("arrays").get("0"), 0, got, 0, K * D);
            System.arraycopy(dec.arrays().get("arrays").get("1"), 0, got, K * D, K);
            double[] expected = rep.nodeId() == nodeA ? expectedA : expectedB;
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-12, "client update parameter " + i);
                aggregated[i] += n * got[i];
                fedAvg[i] += n * expected[i];
            }
            total += n;
        }
        for (int i = 0; i < fedAvg.length; i++) {
            assertEquals(fedAvg[i] / total, aggregated[i] / total, 1e-12, "FedAvg parameter " + i);
        }
        assertTrue(link.problems.isEmpty(), link.problems.toString());

        // evaluate the aggregate: accuracy and log loss on each client's test rows, from the formula
        double[] global = new double[fedAvg.length];
        for (int i = 0; i < global.length; i++) {
            global[i] = aggregated[i] / total;
        }
        double[] gw = java.util.Arrays.copyOfRange(global, 0, K * D);
        double[] gb = java.util.Arrays.copyOfRange(global, K * D, global.length);
        for (long node : List.of(nodeA, nodeB)) {
            SpecObjects.MessageBuilder mb = new SpecObjects.MessageBuilder();
            Map<String, byte[]> arrays = new LinkedHashMap<>();
            arrays.put("0", SpecObjects.npy(gw, K, D));
            arrays.put("1", SpecObjects.npy(gb, K));
            link.enqueue(node, mb.arrays("arrays", arrays).build(metadata(node, "evaluate")));
        }
        List<FakeSuperLink.Reply> all = link.awaitReplies(4, Duration.ofSeconds(30));
        for (FakeSuperLink.Reply rep : all.subList(2, 4)) {
            SpecObjects.Reply dec = SpecObjects.decode(rep.tree().getObjectId(), link.store);
            MetricRecord m = dec.metrics().get("metrics");
            assertEquals(List.of("eval_loss", "eval_acc", "num-examples"), keys(m));
            Dataset test = rep.nodeId() == nodeA ? testA : testB;
            double[] lossAcc = lossAndAccuracy(test, gw, gb);
            assertEquals(lossAcc[0], metric(m, "eval_loss"), 1e-9);
            assertEquals(lossAcc[1], metric(m, "eval_acc"), 1e-12);
            assertEquals(test.size(), metric(m, "num-examples"));
            assertTrue(dec.arrays().isEmpty());
        }
        FlowerRunSummary sa = a.get(30, TimeUnit.SECONDS);
        FlowerRunSummary sb = bFuture.get(30, TimeUnit.SECONDS);
        assertEquals(1, sa.trainReplies());
        assertEquals(1, sa.evaluateReplies());
        assertEquals(1, sb.trainReplies());
        assertEquals("1", sa.events().get(0).round());
        assertEquals(0, link.rejectedCalls.get());
        assertTrue(link.verifiedCalls.get() >= 14, "every call carries verified node-auth metadata");
        assertEquals(4, link.confirms.get());
        assertEquals(2, link.unregistered.get(), "fresh keys are unregistered when the client leaves");
        assertFalse(link.activeNodes().contains(nodeA));
    }

    static double[] lossAndAccuracy(Dataset d, double[] w, double[] b) {
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < d.size(); i++) {
            double[] z = new double[K];
            int arg = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < K; c++) {
                z[c] = b[c];
                for (int j = 0; j < D; j++) {
                    z[c] += w[c * D + j] * d.x().get(i, j);
                }
                if (z[c] > max) {
                    max = z[c];
                    arg = c;
                }
            }
            double s = 0;
            for (int c = 0; c < K; c++) {
                s += Math.exp(z[c] - max);
            }
            loss -= (z[d.y()[i]] - max) - Math.log(s);
            correct += arg == d.y()[i] ? 1 : 0;
        }
        return new double[] {loss / d.size(), (double) correct / d.size()};
    }

    @Test
    void badMessagesGetErrorRepliesAndTheClientCarriesOn() throws Exception {
        Dataset train = data(20, 1);
        Future<FlowerRunSummary> f = pool.submit(() -> client(train, data(10, 2), 5).build().run());
        long node = awaitNodes(1).get(0);
        double[] w = new double[K * D];
        double[] b = new double[K];

        // 1: a message type the client does not handle
        SpecObjects.MessageBuilder q = new SpecObjects.MessageBuilder();
        link.enqueue(node, q.config("config", Map.of("x", 1.0)).build(metadata(node, "query")));
        // 2: an array chunk whose content does not hash to its ID
        SpecObjects.Built tampered = train(node, w, b, 0.1, 5 * 1024 * 1024);
        String chunkId = tampered.tree().getChildren(0).getChildren(0).getChildren(0).getChildren(0).getObjectId();
        link.enqueue(node, tampered);
        byte[] evil = tampered.objects().get(chunkId).clone();
        evil[evil.length - 1] ^= 1;
        link.serveRaw(chunkId, evil);
        // 3: a chunk larger than 5 MiB (its ID is its true hash)
        double[] big = new double[5 * 1024 * 1024 / 8 + 64];
        SpecObjects.MessageBuilder o = new SpecObjects.MessageBuilder();
        o.chunkSize = Integer.MAX_VALUE;
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("0", SpecObjects.npy(big, big.length));
        link.enqueue(node, o.arrays("arrays", arrays).build(metadata(node, "train")));
        // 4: arrays whose shapes do not fit the model
        SpecObjects.MessageBuilder s = new SpecObjects.MessageBuilder();
        Map<String, byte[]> wrong = new LinkedHashMap<>();
        wrong.put("0", SpecObjects.npy(new double[D * K], D, K));
        wrong.put("1", SpecObjects.npy(b, K));
        link.enqueue(node, s.arrays("arrays", wrong).build(metadata(node, "train")));
        // 5: a valid train message still works afterwards (other values: no chunk shared with message 2)
        double[] w5 = new double[K * D];
        java.util.Arrays.fill(w5, 0.25);
        link.enqueue(node, train(node, w5, b, 0.1, 1024));

        List<FakeSuperLink.Reply> replies = link.awaitReplies(5, Duration.ofSeconds(60));
        String[] expected = {"message type 'query' is not handled", "hashes to", "exceeds the limit of 5242880 bytes",
            "has shape [4, 3], the model's tensor 0 has [3, 4]"};
        for (int i = 0; i < 4; i++) {
            SpecObjects.Reply dec = SpecObjects.decode(replies.get(i).tree().getObjectId(), link.store);
            assertTrue(dec.error().isPresent(), "reply " + i + " is an error");
            assertEquals(2, dec.error().get().getCode());
            assertTrue(dec.error().get().getReason().contains(expected[i]), dec.error().get().getReason());
            assertTrue(replies.get(i).proto().hasError());
            assertEquals(0, replies.get(i).tree().getChildrenCount(), "an error reply has no content objects");
        }
        SpecObjects.Reply ok = SpecObjects.decode(replies.get(4).tree().getObjectId(), link.store);
        assertTrue(ok.error().isEmpty());
        double[] expectedW = oracleStep(train, w5, b, 0.1);
        assertEquals(expectedW[0], ok.arrays().get("arrays").get("0")[0], 1e-12);
        FlowerRunSummary summary = f.get(30, TimeUnit.SECONDS);
        assertEquals(4, summary.errorReplies());
        assertEquals(1, summary.trainReplies());
        assertTrue(link.problems.isEmpty(), link.problems.toString());
    }

    @Test
    void largeArraysAreSplitIntoChunksOfAtMostFiveMebibytes() throws Exception {
        int d = 230_000;
        List<String> features = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            features.add("f" + j);
        }
        SplittableRandom r = new SplittableRandom(3);
        double[] x = new double[4 * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        Dataset train = new Dataset(new Matrix(4, d, x), new int[] {0, 1, 2, 1}, features, CLASSES, "wide");
        Future<FlowerRunSummary> f = pool.submit(() -> FlowerClient.builder().channel(channel)
                .model(LinearModel.zeros(features, CLASSES)).trainData(train).testData(train).batchSize(4)
                .maxMessages(1).pollInterval(Duration.ofMillis(5)).linger(Duration.ZERO).build().run());
        long node = awaitNodes(1).get(0);
        SpecObjects.MessageBuilder mb = new SpecObjects.MessageBuilder();
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("w", SpecObjects.npy(new double[K * d], K, d));
        arrays.put("b", SpecObjects.npy(new double[K], K));
        link.enqueue(node, mb.arrays("arrays", arrays).build(metadata(node, "train")));
        FakeSuperLink.Reply rep = link.awaitReplies(1, Duration.ofSeconds(60)).get(0);
        SpecObjects.Reply dec = SpecObjects.decode(rep.tree().getObjectId(), link.store);
        assertEquals(2, dec.chunkCounts().get("arrays").get("w"), "690,000 float64 (5.5 MB) → two chunks");
        assertEquals(K * d, dec.arrays().get("arrays").get("w").length);
        for (Map.Entry<String, byte[]> e : link.store.entrySet()) {
            if (SpecObjects.head(e.getValue())[0].equals("ArrayChunk")) {
                assertTrue(SpecObjects.body(e.getValue()).length <= 5 * 1024 * 1024);
            }
        }
        f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aTimestampOutsideTheAcceptedSkewIsRefused() {
        Clock late = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
        FlowerClient c = client(data(5, 1), data(5, 2), 1).clock(late).build();
        FlowerException e = assertThrows(FlowerException.class, c::run);
        assertTrue(e.getMessage().contains("refused RegisterNode: UNAUTHENTICATED Invalid timestamp"), e.getMessage());
        assertTrue(link.rejectedCalls.get() >= 1);
    }

    @Test
    void aPersistentKeyRegistersOnceAndActivatesOnEveryStart() {
        FlowerNodeKey key = FlowerNodeKey.generate();
        FlowerRunSummary first = FlowerClient.builder().channel(channel).model(LinearModel.zeros(FEATURES, CLASSES))
                .trainData(data(5, 1)).testData(data(5, 2)).nodeKey(key).idleTimeout(Duration.ofMillis(100))
                .pollInterval(Duration.ofMillis(10)).build().run();
        FlowerRunSummary second = FlowerClient.builder().channel(channel).model(LinearModel.zeros(FEATURES, CLASSES))
                .trainData(data(5, 1)).testData(data(5, 2)).nodeKey(key).idleTimeout(Duration.ofMillis(100))
                .pollInterval(Duration.ofMillis(10)).build().run();
        assertEquals(first.nodeId(), second.nodeId());
        assertEquals(0, link.unregistered.get());
    }

    @Test
    void withSupernodeAuthOnlyAKeyRegisteredThroughTheCliJoinsAndTrains() throws Exception {
        link.enableSupernodeAuth = true;
        // what `flwr supernode register test_node_p384.pub` stores (bytes printed by Flower 1.23.0, see the README)
        long registered = link.registerViaCli(Files.readAllBytes(FlowerNodeKeyTest.resource(
                "test_node_p384.flower-public.pem")));
        Dataset train = data(20, 1);
        Dataset test = data(10, 2);

        FlowerException fresh = assertThrows(FlowerException.class, () -> client(train, test, 1).build().run());
        assertTrue(fresh.getMessage().contains("only accepts registered node keys"), fresh.getMessage());
        FlowerException unknown = assertThrows(FlowerException.class,
                () -> client(train, test, 1).nodeKey(FlowerNodeKey.generate()).build().run());
        assertTrue(unknown.getMessage().contains("does not know this node key"), unknown.getMessage());
        assertTrue(link.activeNodes().isEmpty());

        // the ssh-keygen key whose .pub was registered: its PEM header must equal the stored bytes exactly
        FlowerNodeKey key = FlowerNodeKey.load(FlowerNodeKeyTest.resource("test_node_p384"));
        Future<FlowerRunSummary> f = pool.submit(() -> client(train, test, 1).nodeKey(key).build().run());
        assertEquals(List.of(registered), awaitNodes(1));
        double[] w = new double[K * D];
        java.util.Arrays.fill(w, 0.1);
        double[] b = new double[K];
        link.enqueue(registered, train(registered, w, b, 0.5, 1024));
        FakeSuperLink.Reply rep = link.awaitReplies(1, Duration.ofSeconds(30)).get(0);
        SpecObjects.Reply dec = SpecObjects.decode(rep.tree().getObjectId(), link.store);
        assertTrue(dec.error().isEmpty());
        assertEquals(oracleStep(train, w, b, 0.5)[0], dec.arrays().get("arrays").get("0")[0], 1e-12);
        FlowerRunSummary s = f.get(30, TimeUnit.SECONDS);
        assertEquals(registered, s.nodeId());
        assertEquals(1, s.trainReplies());
        // a registered key stays registered: Flower refuses Fleet-API unregistration under --enable-supernode-auth
        assertEquals(0, link.unregisterCalls.get());
        assertEquals(0, link.rejectedCalls.get());
        assertTrue(link.problems.isEmpty(), link.problems.toString());
    }

    @Test
    void integerArraysWhereTheModelTakesFloatsGetAnErrorReply() throws Exception {
        Dataset train = data(20, 1);
        Future<FlowerRunSummary> f = pool.submit(() -> client(train, data(10, 2), 2).build().run());
        long node = awaitNodes(1).get(0);
        // int64 arrays of the model's shapes (.npy bytes as np.save writes them: the golden int64 layout)
        SpecObjects.MessageBuilder mb = new SpecObjects.MessageBuilder();
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("0", org.botsec.flower.internal.Npy.write(org.botsec.flower.internal.NpyDtype.INT64,
                new int[] {K, D}, new byte[K * D * 8]));
        arrays.put("1", org.botsec.flower.internal.Npy.write(org.botsec.flower.internal.NpyDtype.INT64,
                new int[] {K}, new byte[K * 8]));
        link.enqueue(node, mb.arrays("arrays", arrays).config("config", Map.of("lr", 0.1))
                .build(metadata(node, "train")));
        double[] w = new double[K * D];
        java.util.Arrays.fill(w, 0.2);
        link.enqueue(node, train(node, w, new double[K], 0.1, 1024));
        List<FakeSuperLink.Reply> replies = link.awaitReplies(2, Duration.ofSeconds(30));
        SpecObjects.Reply bad = SpecObjects.decode(replies.get(0).tree().getObjectId(), link.store);
        assertTrue(bad.error().isPresent());
        assertTrue(bad.error().get().getReason().contains("array '0' has dtype int64; the model's tensors take "
                + "float64 or float32"), bad.error().get().getReason());
        SpecObjects.Reply ok = SpecObjects.decode(replies.get(1).tree().getObjectId(), link.store);
        assertTrue(ok.error().isEmpty());
        assertEquals(oracleStep(train, w, new double[K], 0.1)[0], ok.arrays().get("arrays").get("0")[0], 1e-12);
        f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void secAggPlusStagesGetAnErrorReplyNamingTheModAndNeverUnmaskedArrays() throws Exception {
        Future<FlowerRunSummary> f = pool.submit(() -> client(data(20, 1), data(10, 2), 2).build().run());
        long node = awaitNodes(1).get(0);
        // stage 1 as Flower's SecAggPlusWorkflow sends it: a train message whose only record is secaggplus_configs
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("stage", "setup");
        setup.put("sample_num", 2);
        setup.put("share_num", 2);
        setup.put("threshold", 2);
        link.enqueue(node, new SpecObjects.MessageBuilder().config("secaggplus_configs", setup)
                .build(metadata(node, "train")));
        // stage 3 carries the model's arrays too: training on them and replying in the clear would leak the update
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("0", SpecObjects.npy(new double[K * D], K, D));
        arrays.put("1", SpecObjects.npy(new double[K], K));
        link.enqueue(node, new SpecObjects.MessageBuilder().arrays("arrays", arrays)
                .config("secaggplus_configs", Map.of("stage", "collect_masked_vectors"))
                .build(metadata(node, "train")));
        List<FakeSuperLink.Reply> replies = link.awaitReplies(2, Duration.ofSeconds(30));
        String[] stages = {"setup", "collect_masked_vectors"};
        for (int i = 0; i < 2; i++) {
            SpecObjects.Reply dec = SpecObjects.decode(replies.get(i).tree().getObjectId(), link.store);
            assertTrue(dec.error().isPresent());
            String reason = dec.error().get().getReason();
            assertTrue(reason.contains("stage '" + stages[i] + "' of Flower's SecAgg+ protocol"), reason);
            assertTrue(reason.contains("secaggplus_mod"), reason);
            assertTrue(dec.arrays().isEmpty());
        }
        assertEquals(2, f.get(30, TimeUnit.SECONDS).errorReplies());
    }

    @Test
    void float32ArraysAreAnsweredInFloat32() throws Exception {
        Dataset train = data(20, 1);
        Future<FlowerRunSummary> f = pool.submit(() -> client(train, data(10, 2), 1).build().run());
        long node = awaitNodes(1).get(0);
        double[] w = new double[K * D];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.01 * i); // exactly representable in float32, so the input is the same for the oracle
        }
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("0", org.botsec.flower.internal.Npy.write(w, new int[] {K, D}, "float32"));
        arrays.put("1", org.botsec.flower.internal.Npy.write(new double[K], new int[] {K}, "float32"));
        link.enqueue(node, new SpecObjects.MessageBuilder().arrays("arrays", arrays).config("config",
                Map.of("lr", 0.5)).build(metadata(node, "train")));
        FakeSuperLink.Reply rep = link.awaitReplies(1, Duration.ofSeconds(30)).get(0);
        // walk the reply's tree: Message → RecordDict → ArrayRecord → Array → ArrayChunk
        org.botsec.flower.internal.proto.ObjectTree array = rep.tree().getChildren(0).getChildren(0).getChildren(0);
        String arrayJson = new String(SpecObjects.body(link.store.get(array.getObjectId())),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(arrayJson.contains("\"dtype\": \"float32\""), arrayJson);
        byte[] npy = SpecObjects.body(link.store.get(array.getChildren(0).getObjectId()));
        String header = new String(npy, 10, 64, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<f4'"), header);
        java.nio.ByteBuffer data = java.nio.ByteBuffer.wrap(npy, npy.length - 4 * K * D, 4 * K * D)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        double[] expected = oracleStep(train, w, new double[K], 0.5);
        for (int i = 0; i < K * D; i++) {
            assertEquals((float) expected[i], data.getFloat(), 1e-6f, "float32 parameter " + i);
        }
        f.get(30, TimeUnit.SECONDS);
    }
}
