package org.botsec.federated.bench;

import java.util.List;
import java.util.Locale;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.rand.Randomness;
import org.botsec.federated.Aggregator;
import org.botsec.federated.Backdoor;
import org.botsec.federated.Federation;
import org.botsec.federated.FederationResult;
import org.botsec.federated.Malicious;

/**
 * Backdoor attackers (model replacement, Bagdasaryan et al. 2020) against each aggregator: clean test accuracy and
 * backdoor success rate (triggered test rows outside the target class that the model puts in class 0), with 0 %,
 * 10 % and 30 % of the clients malicious, on a built-in data set (UCI digits 8×8 or MNIST 10k).
 *
 * <p>Run: {@code java -cp <test classpath> org.botsec.federated.bench.BackdoorExperiment [data] [model] [rounds]
 * [norm-bound C]} (default digits8x8 softmax 20 1.0).
 */
public final class BackdoorExperiment {
    private BackdoorExperiment() {
    }

    public static void main(String[] args) {
        String data = args.length > 0 ? args[0] : "digits8x8";
        String kind = args.length > 1 ? args[1] : "softmax";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        double c = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
        Dataset train = Builtins.load(data, Split.TRAIN);
        Dataset test = Builtins.load(data, Split.TEST);
        List<String> aggregators = List.of("fedavg", "krum", "median", "trimmed-mean:0.3", "norm-bound:" + c);
        System.out.printf(Locale.ROOT, "%s, %s, 100 clients, 10 per round, %d rounds, lr 0.1, 1 local epoch, seed 42%n",
                data, kind, rounds);
        System.out.println("malicious | aggregator | clean accuracy | backdoor success");
        for (double fraction : new double[] {0.0, 0.1, 0.3}) {
            for (String a : aggregators) {
                Model init = kind.equals("mlp")
                        ? Mlp.create(new int[] {train.numFeatures(), 64, train.numClasses()}, train.featureNames(),
                                train.classNames(), Randomness.replayable(42))
                        : LinearModel.zeros(train.featureNames(), train.classNames());
                Federation.Builder b = Federation.builder().trainData(train).testData(test).initialModel(init)
                        .clients(100).fractionFit(0.1).rounds(rounds).learningRate(0.1).seed(42)
                        .aggregator(Aggregator.parse(a, 3));
                if (fraction > 0) {
                    b.malicious(Malicious.parse(fraction + ":backdoor"));
                }
                FederationResult r = b.build().run();
                // without attackers: the same trigger on the clean model (the natural rate)
                double success = fraction > 0 ? r.backdoorSuccess().orElseThrow()
                        : Backdoor.defaultFor(train).successRate(r.classifier(), test);
                System.out.printf(Locale.ROOT, "%.0f %% | %s | %.3f | %.3f%n", 100 * fraction, a,
                        r.metrics().accuracy(), success);
            }
        }
    }
}
