package org.botsec.federated.bench;

import java.util.Locale;
import org.botsec.core.data.Dataset;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.federated.Federation;
import org.botsec.federated.Partition;
import org.botsec.federated.SecureAggregation;

/**
 * Secure aggregation's overhead: one FedAvg round of the {@link RoundBenchmark} set-up (784-128-10 MLP, 101,770
 * parameters, 50 synthetic rows per client, one local epoch) with plain aggregation and with secure aggregation at 0 %
 * and 10 % simulated dropouts, in the same process; prints the times and the ratios against the plain round.
 *
 * <p>Run: {@code java -cp <test classpath> org.botsec.federated.bench.SecAggBenchmark [hidden=H] [clients...]}
 * (default hidden=128, clients 100 1000; hidden=8 gives a 6,370-parameter model).
 */
public final class SecAggBenchmark {
    private SecAggBenchmark() {
    }

    public static void main(String[] args) {
        int hidden = 128;
        java.util.List<String> rest = new java.util.ArrayList<>(java.util.List.of(args));
        if (!rest.isEmpty() && rest.get(0).startsWith("hidden=")) {
            hidden = Integer.parseInt(rest.remove(0).substring("hidden=".length()));
        }
        int[] sizes = rest.isEmpty() ? new int[] {100, 1000} : rest.stream().mapToInt(Integer::parseInt).toArray();
        for (int clients : sizes) {
            Dataset train = RoundBenchmark.synthetic(clients * 50, 1);
            Dataset test = RoundBenchmark.synthetic(200, 2);
            Mlp init = Mlp.create(new int[] {784, hidden, 10}, train.featureNames(), train.classNames(),
                    Randomness.replayable(7));
            round(RoundBenchmark.synthetic(Math.max(500, clients * 5), 3), test, init, Math.max(10, clients / 10),
                    SecureAggregation.defaults()); // warm-up
            double plain = round(train, test, init, clients, null);
            double sa0 = round(train, test, init, clients, SecureAggregation.defaults());
            double sa10 = round(train, test, init, clients, SecureAggregation.defaults().withSimulatedDropout(0.1));
            SecureAggregation d = SecureAggregation.defaults();
            System.out.printf(Locale.ROOT, "%d parameters, %d clients (k = %d at 0 %%, %d at 10 %% dropout): plain %.2f s, secure "
                    + "aggregation %.2f s (x%.2f), with 10 %% dropouts %.2f s (x%.2f)%n", init.numParameters(), clients,
                    d.neighboursFor(clients), d.withSimulatedDropout(0.1).neighboursFor(clients), plain, sa0,
                    sa0 / plain, sa10, sa10 / plain);
        }
    }

    private static double round(Dataset train, Dataset test, Mlp init, int clients, SecureAggregation sa) {
        Federation.Builder b = Federation.builder().trainData(train).testData(test).initialModel(init).clients(clients)
                .rounds(1).partition(Partition.iid()).batchSize(10).learningRate(0.05).seed(1);
        if (sa != null) {
            b.secureAggregation(sa);
        }
        long t0 = System.nanoTime();
        b.build().run();
        return (System.nanoTime() - t0) / 1e9;
    }
}
