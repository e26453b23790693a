package org.botsec.cli.privacy;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.privacy.accountant.PrivacyAccountant;
import org.botsec.privacy.accountant.PrivacySpent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code botsec privacy epsilon}: the (ε, δ) spent by DP-SGD with Poisson sampling. */
@Command(name = "epsilon", mixinStandardHelpOptions = true,
        description = {"Epsilon spent by DP-SGD (Poisson sampling at rate B/N, add/remove-one adjacency).",
            "Example: botsec privacy epsilon --sample-size 60000 --batch-size 256 --noise-multiplier 1.1 "
                + "--epochs 60 --delta 1e-5"})
public final class EpsilonCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SamplingOptions options;

    @Option(names = "--noise-multiplier", required = true, paramLabel = "S",
            description = "Noise standard deviation divided by the clipping norm.")
    double noiseMultiplier;

    @Override
    public Integer call() {
        if (!(noiseMultiplier > 0 && Double.isFinite(noiseMultiplier))) {
            throw BadInputException.of("--noise-multiplier must be > 0 and finite, got %s", noiseMultiplier);
        }
        SamplingOptions.Checked c = options.check();
        PrivacySpent spent = PrivacyAccountant.epsilon(c.accountant(), noiseMultiplier, c.sampleRate(), c.steps(),
                options.delta);
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epsilon", SamplingOptions.jsonNumber(spent.epsilon()));
            m.putAll(options.describe(c));
            m.put("noise_multiplier", noiseMultiplier);
            spent.optimalOrder().ifPresent(o -> m.put("optimal_order", o));
            Json.print(out, m);
        } else {
            out.printf("epsilon = %s at delta = %s (%s accountant%s)%n", SamplingOptions.fmt(spent.epsilon()),
                    SamplingOptions.fmt(options.delta), c.accountant().label(),
                    spent.optimalOrder().isPresent() ? ", optimal order " + SamplingOptions.fmt(spent.optimalOrder().getAsDouble()) : "");
            out.println("  " + org.botsec.cli.core.ModelInfoCommand.EPSILON_DELTA_MEANING);
            out.printf("  %d steps, Poisson sampling rate %s (batch %d of %d), noise multiplier %s%n", c.steps(),
                    SamplingOptions.fmt(c.sampleRate()), options.batchSize, options.sampleSize, SamplingOptions.fmt(noiseMultiplier));
            out.println("  Privacy unit: one example; neighbouring data sets differ by adding or removing it.");
            out.flush();
        }
        return 0;
    }
}
