package org.botsec.federated.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.rand.Randomness;
import org.botsec.federated.Federation;
import org.botsec.federated.Partition;
import org.botsec.federated.internal.LocalTrainer;

/**
 * Times one FedAvg round with 1,000 clients of a ~100k-parameter MLP (784-128-10: 101,770 parameters), one local
 * epoch of 50 rows each (batch 10), against a naive sequential loop in the same process: one thread, a fresh model
 * copy per client (the "client = model object" design), deltas kept and averaged at the end in blocks.
 *
 * <p>Run: {@code java -cp <test classpath> org.botsec.federated.bench.RoundBenchmark [clients] [threads]}.
 * Data are synthetic (uniform pixels, random labels): the cost of a round does not depend on the values.
 */
public final class RoundBenchmark {
    private RoundBenchmark() {
    }

    public static void main(String[] args) {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rows = clients * 50;
        Dataset train = synthetic(rows, 1);
        Dataset test = synthetic(200, 2);
        Mlp init = Mlp.create(new int[] {784, 128, 10}, train.featureNames(), train.classNames(),
                Randomness.replayable(7));
        System.out.printf(Locale.ROOT, "model parameters %d, clients %d x 50 rows, threads %d, cpus %d%n",
                init.numParameters(), clients, threads, Runtime.getRuntime().availableProcessors());
        // warm-up (JIT) on a tenth of the clients
        round(synthetic(rows / 10, 3), test, init, clients / 10, threads);
        naive(synthetic(rows / 10, 3), init, clients / 10);
        for (int rep = 1; rep <= 2; rep++) {
            long t0 = System.nanoTime();
            round(train, test, init, clients, threads);
            double ours = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            naive(train, init, clients);
            double base = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "rep %d: federation round %.2f s, naive sequential %.2f s, speed-up x%.2f%n",
                    rep, ours, base, base / ours);
        }
    }

    private static void round(Dataset train, Dataset test, Mlp init, int clients, int threads) {
        Federation.builder().trainData(train).testData(test).initialModel(init).clients(clients).rounds(1)
                .partition(Partition.iid()).batchSize(10).learningRate(0.05).threads(threads).seed(1).build().run();
    }

    private static void naive(Dataset train, Mlp init, int clients) {
        int p = init.numParameters();
        double[] global = new double[p];
        init.getParameters(global);
        int per = train.size() / clients;
        double[] mean = new double[p];
        List<double[]> held = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int[] rows = new int[per];
            for (int i = 0; i < per; i++) {
                rows[i] = c * per + i;
            }
            PerExampleGradients fresh = init.withProvenance(null);
            double[] delta = new double[p];
            new LocalTrainer(fresh).train(train, rows, global, 1, 10, 0.05, 0, new SplittableRandom(c), delta);
            held.add(delta);
            if (held.size() == 100 || c == clients - 1) {
                for (double[] d : held) {
                    for (int j = 0; j < p; j++) {
                        mean[j] += d[j] / clients;
                    }
                }
                held.clear();
            }
        }
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
        return new Dataset(new Matrix(n, 784, x), y,
                features, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), "");
    }
}
