package org.botsec.federated.bench;

import java.util.Locale;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.LinearModel;
import org.botsec.federated.DpFedAvg;
import org.botsec.federated.Federation;
import org.botsec.federated.FederationResult;

/**
 * DP-FedAvg's accuracy/privacy trade-off on a public data set: softmax regression, N clients holding equal IID
 * shares, Poisson sampling q, R rounds, fixed (C = 0.5) and adaptive (median) clipping, for several noise
 * multipliers z; prints test accuracy and the client-level ε at δ = 1/(10 N). Noise is secure (not seeded).
 *
 * <p>Run: {@code java -cp <test classpath> org.botsec.federated.bench.DpFedAvgExperiment [data] [clients] [q]
 * [rounds]} (default mnist10k 1000 0.1 30).
 */
public final class DpFedAvgExperiment {
    private DpFedAvgExperiment() {
    }

    public static void main(String[] args) {
        String data = args.length > 0 ? args[0] : "mnist10k";
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        double q = args.length > 2 ? Double.parseDouble(args[2]) : 0.1;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        Dataset train = Builtins.load(data, Split.TRAIN);
        Dataset test = Builtins.load(data, Split.TEST);
        double delta = 1.0 / (10.0 * clients);
        System.out.printf(Locale.ROOT, "%s softmax, %d clients (%d rows each), q = %s, %d rounds, local lr 0.1, "
                + "1 epoch, batch 10, delta %s%n", data, clients, train.size() / clients, q, rounds, delta);
        System.out.println("clipping | z | accuracy | epsilon");
        for (String clipping : new String[] {"none", "fixed", "adaptive"}) {
            for (double z : clipping.equals("none") ? new double[] {0} : new double[] {0.3, 0.7, 1.0}) {
                Federation.Builder b = Federation.builder().trainData(train).testData(test)
                        .initialModel(LinearModel.zeros(train.featureNames(), train.classNames())).clients(clients)
                        .fractionFit(q).rounds(rounds).learningRate(0.1).seed(42);
                if (!clipping.equals("none")) {
                    DpFedAvg.Builder d = DpFedAvg.builder().l2NormClip(0.5).noiseMultiplier(z).delta(delta);
                    if (clipping.equals("adaptive")) {
                        d.adaptiveClipping(DpFedAvg.AdaptiveClipping.quantile(0.5));
                    }
                    b.dp(d.build());
                }
                FederationResult r = b.build().run();
                System.out.printf(Locale.ROOT, "%s | %s | %.3f | %s%n", clipping, z, r.metrics().accuracy(),
                        r.privacy().map(g -> String.format(Locale.ROOT, "%.3f", g.epsilon())).orElse("-"));
            }
        }
    }
}
