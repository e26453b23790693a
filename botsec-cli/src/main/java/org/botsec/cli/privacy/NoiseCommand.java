package org.botsec.cli.privacy;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.privacy.accountant.NoiseCalibration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code botsec privacy noise}: the smallest noise multiplier that meets a target ε. */
@Command(name = "noise", mixinStandardHelpOptions = true,
        description = {"Smallest noise multiplier for which DP-SGD meets a target epsilon.",
            "Example: botsec privacy noise --sample-size 60000 --batch-size 256 --epochs 60 --delta 1e-5 "
                + "--target-epsilon 3"})
public final class NoiseCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SamplingOptions options;

    @Option(names = "--target-epsilon", required = true, paramLabel = "EPS", description = "Target epsilon.")
    double targetEpsilon;

    @Override
    public Integer call() {
        if (!(targetEpsilon > 0 && Double.isFinite(targetEpsilon))) {
            throw BadInputException.of("--target-epsilon must be > 0 and finite, got %s", targetEpsilon);
        }
        SamplingOptions.Checked c = options.check();
        NoiseCalibration.Result r = NoiseCalibration.calibrate(targetEpsilon, options.delta, c.sampleRate(),
                c.steps(), c.accountant());
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("noise_multiplier", r.noiseMultiplier());
            m.put("epsilon", SamplingOptions.jsonNumber(r.spent().epsilon()));
            m.put("target_epsilon", targetEpsilon);
            m.putAll(options.describe(c));
            r.spent().optimalOrder().ifPresent(o -> m.put("optimal_order", o));
            Json.print(out, m);
        } else {
            out.printf("noise multiplier = %s (reaches epsilon = %s <= %s at delta = %s, %s accountant)%n",
                    SamplingOptions.fmt(r.noiseMultiplier()), SamplingOptions.fmt(r.spent().epsilon()),
                    SamplingOptions.fmt(targetEpsilon), SamplingOptions.fmt(options.delta), c.accountant().label());
            out.printf("  %d steps, Poisson sampling rate %s (batch %d of %d)%n", c.steps(),
                    SamplingOptions.fmt(c.sampleRate()), options.batchSize, options.sampleSize);
            out.flush();
        }
        return 0;
    }
}
