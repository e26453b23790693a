package org.botsec.cli.privacy;

import org.botsec.core.math.Numbers;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.privacy.accountant.AccountantType;
import picocli.CommandLine.Option;

/** Options shared by {@code privacy epsilon} and {@code privacy noise}: data size, batch, duration, δ, accountant. */
final class SamplingOptions {
    @Option(names = "--sample-size", required = true, paramLabel = "N", description = "Number of training examples.")
    long sampleSize;

    @Option(names = "--batch-size", required = true, paramLabel = "B",
            description = "Expected batch size; Poisson sampling rate q = B/N.")
    long batchSize;

    // plain options rather than an exclusive @ArgGroup: picocli 4.7 lists a group's options twice in the help
    // of a mixin; check() enforces "exactly one of them"
    @Option(names = "--epochs", paramLabel = "E", description = "Epochs; steps = ceil(E·N/B). Give --epochs or --steps.")
    Double epochs;

    @Option(names = "--steps", paramLabel = "T", description = "Number of DP-SGD steps. Give --epochs or --steps.")
    Long steps;

    @Option(names = "--delta", required = true, paramLabel = "D", description = "Target delta, in (0, 1/N).")
    double delta;

    @Option(names = "--accountant", defaultValue = "rdp", paramLabel = "rdp|pld",
            description = "Accounting method (default: ${DEFAULT-VALUE}).")
    String accountant;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    /** Validates everything and returns the checked values. */
    Checked check() {
        if (sampleSize <= 0) {
            throw BadInputException.of("--sample-size must be > 0, got %d", sampleSize);
        }
        if (batchSize <= 0) {
            throw BadInputException.of("--batch-size must be > 0, got %d", batchSize);
        }
        if (batchSize > sampleSize) {
            throw BadInputException.of("--batch-size %d is larger than --sample-size %d", batchSize, sampleSize);
        }
        if (!(delta > 0 && delta < 1)) {
            throw BadInputException.of("--delta must be in (0, 1), got %s", delta);
        }
        if (delta >= 1.0 / sampleSize) {
            throw BadInputException.of("--delta %s is >= 1/N = %s: a guarantee with such a delta is meaningless "
                    + "(it allows publishing a whole example); use a delta well below 1/N", delta, 1.0 / sampleSize);
        }
        AccountantType type = AccountantType.parse(accountant);
        if ((epochs == null) == (steps == null)) {
            throw new BadInputException(epochs == null ? "give --epochs E or --steps T"
                    : "--epochs and --steps are mutually exclusive; give one");
        }
        long totalSteps;
        if (steps != null) {
            totalSteps = steps;
            if (totalSteps <= 0) {
                throw BadInputException.of("--steps must be > 0, got %d", totalSteps);
            }
        } else {
            double e = epochs;
            if (!(e > 0 && Double.isFinite(e))) {
                throw BadInputException.of("--epochs must be > 0 and finite, got %s", e);
            }
            double s = Math.ceil(e * sampleSize / batchSize);
            if (s > 1e12) {
                throw BadInputException.of("--epochs %s gives too many steps (%s)", e, s);
            }
            totalSteps = (long) s;
        }
        return new Checked((double) batchSize / sampleSize, totalSteps, type);
    }

    record Checked(double sampleRate, long steps, AccountantType accountant) {
    }

    /** Common JSON fields. */
    Map<String, Object> describe(Checked c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("delta", delta);
        m.put("accountant", c.accountant().label());
        m.put("steps", c.steps());
        m.put("sample_rate", c.sampleRate());
        m.put("sample_size", sampleSize);
        m.put("batch_size", batchSize);
        if (epochs != null) {
            m.put("epochs", epochs);
        }
        m.put("sampling", "poisson");
        m.put("neighbouring_relation", "add_or_remove_one_example");
        return m;
    }

    static String fmt(double v) {
        return Numbers.format(v);
    }

    /** A double for JSON: null for ±∞ or NaN (JSON has no such numbers). */
    static Double jsonNumber(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
