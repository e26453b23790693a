package org.botsec.federated.net.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.botsec.core.data.Dataset;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.federated.Federation;
import org.botsec.federated.Partition;
import org.botsec.federated.SecureAggregation;
import org.botsec.federated.net.CertificateAuthority;
import org.botsec.federated.net.FlClient;
import org.botsec.federated.net.FlServer;
import org.botsec.federated.net.NetRound;
import org.botsec.federated.net.TlsFiles;

/**
 * Secure aggregation's overhead over the network: the same clients, rows and rounds run once as plain FedAvg and
 * once with secure aggregation (Bonawitz et al. 2017: four gRPC stages per round, X25519 key agreement, Shamir
 * shares, AES-CTR masks), coordinator and N clients in this JVM over loopback with mutual TLS, in the same run.
 * No client drops out (a dropout costs a stage timeout, not computation).
 *
 * <p>Run: {@code java -cp <test classpath> org.botsec.federated.net.bench.NetSecAggBenchmark [clients] [rounds]
 * [rows per client] [hidden]} (defaults 10, 4, 100, 128). Model: MLP 784-hidden-10 (hidden 128: 101,770
 * parameters). Data: {@link NetRoundBenchmark#synthetic} (the cost does not depend on the values). The first round
 * (TLS handshakes, JIT) is reported separately; the ratio compares the later rounds.
 */
public final class NetSecAggBenchmark {
    private NetSecAggBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rowsPer = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int hidden = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        Dataset train = NetRoundBenchmark.synthetic(clients * rowsPer, 1);
        Dataset test = NetRoundBenchmark.synthetic(200, 2);
        Mlp init = Mlp.create(new int[] {784, hidden, 10}, train.featureNames(), train.classNames(),
                Randomness.replayable(7));
        SecureAggregation sa = SecureAggregation.defaults();
        System.out.printf(Locale.ROOT, "model parameters %d, clients %d x %d rows, rounds %d, cpus %d, secagg "
                        + "neighbours k = %d, threshold t = %d%n", init.numParameters(), clients, rowsPer, rounds,
                Runtime.getRuntime().availableProcessors(), sa.neighboursFor(clients), sa.thresholdFor(clients));
        Path certs = Files.createTempDirectory("botsec-fl-secagg-bench");
        CertificateAuthority ca = CertificateAuthority.openOrCreate(certs, "bench", Duration.ofDays(1));
        ca.issueServer("server", List.of("localhost"), Duration.ofDays(1));
        for (int i = 0; i < clients; i++) {
            ca.issueClient("c" + i, Duration.ofDays(1));
        }
        double[] plain = run(false, clients, rounds, train, test, init, certs);
        double[] secure = run(true, clients, rounds, train, test, init, certs);
        System.out.printf(Locale.ROOT, "plain FedAvg (gRPC + mTLS, loopback): first round %.3f s, then %.3f s per "
                + "round%n", plain[0], plain[1]);
        System.out.printf(Locale.ROOT, "secure aggregation: first round %.3f s, then %.3f s per round = x%.2f plain "
                + "FedAvg%n", secure[0], secure[1], secure[1] / plain[1]);
    }

    /** {first round seconds, mean seconds of the later rounds}. */
    private static double[] run(boolean secure, int clients, int rounds, Dataset train, Dataset test, Mlp init,
                                Path certs) throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        FlServer.Result r;
        FlServer.Builder sb = FlServer.builder().initialModel(init).tls(TlsFiles.inFolder(certs, "server")).port(0)
                .clients(clients).rounds(rounds).seed(1).testData(test).roundTimeout(Duration.ofSeconds(600))
                .pollWait(Duration.ofMillis(500));
        if (secure) {
            sb.secureAggregation(SecureAggregation.defaults());
        }
        try (FlServer s = sb.build().start()) {
            List<Future<FlClient.Result>> fs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Dataset mine = train.subset(Federation.clientRows(train, Partition.iid(), clients, i, 1));
                FlClient c = FlClient.builder().server("localhost", s.port()).tls(TlsFiles.inFolder(certs, "c" + i))
                        .data(mine).slot(i).rpcTimeout(Duration.ofSeconds(600)).build();
                fs.add(pool.submit(c::run));
            }
            r = s.awaitResult();
            for (Future<FlClient.Result> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double rest = 0;
        for (NetRound nr : r.rounds().subList(1, r.rounds().size())) {
            rest += nr.seconds();
        }
        return new double[] {r.rounds().get(0).seconds(), rest / Math.max(1, r.rounds().size() - 1)};
    }
}
