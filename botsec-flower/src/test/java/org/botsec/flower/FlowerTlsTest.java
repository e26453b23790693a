package org.botsec.flower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.botsec.core.data.Dataset;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's own TLS channel ({@code rootCertificates}) against {@link FakeSuperLink} served over TLS on loopback
 * (Netty, certificates in {@code src/test/resources/tls/}): a round completes, an untrusted CA and plain text are
 * refused with one line naming the cause. The same path was checked against a real Flower 1.23.0 SuperLink
 * (docs/federated.md, "TLS").
 */
class FlowerTlsTest {
    FakeSuperLink link;
    Server server;
    ExecutorService pool = Executors.newCachedThreadPool();

    static Path tls(String name) throws Exception {
        return Path.of(FlowerTlsTest.class.getResource("/tls/" + name).toURI());
    }

    @BeforeEach
    void start() throws Exception {
        link = new FakeSuperLink(Clock.systemUTC());
        server = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(tls("server.pem").toFile(),
                tls("server.key").toFile())).addService(ServerInterceptors.intercept(link, link.auth())).build()
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    FlowerClient.Builder client(Dataset train) {
        return FlowerClient.builder().superlink("127.0.0.1:" + server.getPort())
                .model(LinearModel.zeros(FlowerClientTest.FEATURES, FlowerClientTest.CLASSES)).trainData(train)
                .testData(train).batchSize(10_000).learningRate(0.01).maxMessages(1)
                .pollInterval(Duration.ofMillis(5)).idleTimeout(Duration.ofSeconds(30)).linger(Duration.ZERO);
    }

    @Test
    void aRoundCompletesOverTls() throws Exception {
        Dataset train = FlowerClientTest.data(20, 1);
        Future<FlowerRunSummary> f = pool.submit(() -> client(train).rootCertificates(tls("ca.crt")).build().run());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (link.activeNodes().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        long node = link.activeNodes().get(0);
        double[] w = new double[FlowerClientTest.K * FlowerClientTest.D];
        java.util.Arrays.fill(w, 0.3);
        double[] b = new double[FlowerClientTest.K];
        link.enqueue(node, FlowerClientTest.train(node, w, b, 0.5, 1024));
        FakeSuperLink.Reply rep = link.awaitReplies(1, Duration.ofSeconds(30)).get(0);
        SpecObjects.Reply dec = SpecObjects.decode(rep.tree().getObjectId(), link.store);
        assertEquals(FlowerClientTest.oracleStep(train, w, b, 0.5)[0], dec.arrays().get("arrays").get("0")[0], 1e-12);
        assertEquals(1, f.get(30, TimeUnit.SECONDS).trainReplies());
        assertTrue(link.problems.isEmpty(), link.problems.toString());
    }

    @Test
    void anUntrustedCaOrPlainTextIsRefusedWithTheCause() throws Exception {
        Dataset train = FlowerClientTest.data(5, 1);
        FlowerException other = assertThrows(FlowerException.class,
                () -> client(train).rootCertificates(tls("other-ca.crt")).build().run());
        assertTrue(other.getMessage().startsWith("cannot reach SuperLink 127.0.0.1:"), other.getMessage());
        assertTrue(other.getMessage().contains("unable to find valid certification path"), other.getMessage());
        assertTrue(other.getMessage().contains("is --root-certificates the CA that signed"), other.getMessage());
        assertEquals(1, other.getMessage().lines().count(), "one line");
        FlowerException plain = assertThrows(FlowerException.class, () -> client(train).insecure(true).build().run());
        assertTrue(plain.getMessage().startsWith("cannot reach SuperLink 127.0.0.1:"), plain.getMessage());
        assertEquals(1, plain.getMessage().lines().count(), "one line: " + plain.getMessage());
        assertEquals(List.of(), link.activeNodes());
        assertEquals(0, link.verifiedCalls.get());
    }
}
