package org.botsec.federated.net.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.federated.Federation;
import org.botsec.federated.Partition;
import org.botsec.federated.net.CertificateAuthority;
import org.botsec.federated.net.FlClient;
import org.botsec.federated.net.FlServer;
import org.botsec.federated.net.NetRound;
import org.botsec.federated.net.TlsFiles;

/**
 * Round time of a networked federation over loopback (coordinator + N clients in this JVM, each with its own gRPC
 * channel and mutual TLS; every round ships the global model to each client and one update back) against the
 * in-process simulation of the same clients, rows and rounds ({@link Federation}), in the same run.
 *
 * <p>Run: {@code java -cp <test classpath> org.botsec.federated.net.bench.NetRoundBenchmark [clients] [rounds]
 * [rows per client]} (defaults 10, 6, 200). Model: MLP 784-128-10 (101,770 parameters: 814 KB per message). Data
 * are synthetic (uniform pixels, random labels): the cost does not depend on the values. The first round (TLS
 * handshakes, JIT) is reported separately.
 */
public final class NetRoundBenchmark {
    private NetRoundBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int rowsPer = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Dataset train = synthetic(clients * rowsPer, 1);
        Dataset test = synthetic(200, 2);
        Mlp init = Mlp.create(new int[] {784, 128, 10}, train.featureNames(), train.classNames(),
                Randomness.replayable(7));
        System.out.printf(Locale.ROOT, "model parameters %d, clients %d x %d rows, rounds %d, cpus %d%n",
                init.numParameters(), clients, rowsPer, rounds, Runtime.getRuntime().availableProcessors());

        // warm-up of the simulation, then the timed simulation
        Federation.builder().trainData(train).testData(test).initialModel(init).clients(clients).rounds(1).seed(1)
                .build().run();
        long t0 = System.nanoTime();
        Federation.builder().trainData(train).testData(test).initialModel(init).clients(clients).rounds(rounds)
                .seed(1).build().run();
        double simPerRound = (System.nanoTime() - t0) / 1e9 / rounds;

        Path certs = Files.createTempDirectory("botsec-fl-bench");
        CertificateAuthority ca = CertificateAuthority.openOrCreate(certs, "bench", Duration.ofDays(1));
        ca.issueServer("server", List.of("localhost"), Duration.ofDays(1));
        for (int i = 0; i < clients; i++) {
            ca.issueClient("c" + i, Duration.ofDays(1));
        }
        ExecutorService pool = Executors.newCachedThreadPool();
        FlServer.Result r;
        try (FlServer s = FlServer.builder().initialModel(init).tls(TlsFiles.inFolder(certs, "server")).port(0)
                .clients(clients).rounds(rounds).seed(1).testData(test).build().start()) {
            List<Future<FlClient.Result>> fs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Dataset mine = train.subset(Federation.clientRows(train, Partition.iid(), clients, i, 1));
                FlClient c = FlClient.builder().server("localhost", s.port()).tls(TlsFiles.inFolder(certs, "c" + i))
                        .data(mine).slot(i).build();
                fs.add(pool.submit(c::run));
            }
            r = s.awaitResult();
            for (Future<FlClient.Result> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double first = r.rounds().get(0).seconds();
        double rest = 0;
        for (NetRound nr : r.rounds().subList(1, r.rounds().size())) {
            rest += nr.seconds();
        }
        double netPerRound = rest / Math.max(1, r.rounds().size() - 1);
        System.out.printf(Locale.ROOT, "simulation: %.3f s per round%n", simPerRound);
        System.out.printf(Locale.ROOT, "network (gRPC + mTLS, loopback): first round %.3f s, then %.3f s per round "
                + "= x%.2f the simulation%n", first, netPerRound, netPerRound / simPerRound);
    }

    static Dataset synthetic(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(10);
        }
        List<String> features = new ArrayList<>();
        for (int j = 0; j < 784; j++) {
            features.add("p" + j);
        }
        return new Dataset(new Matrix(n, 784, x), y, features,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), "");
    }
}
