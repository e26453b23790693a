package org.botsec.cli.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.cli.ProgressBar;
import org.botsec.core.BadInputException;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.io.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec train}: train a model, report test metrics, save it with its provenance. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model on a CSV file or a built-in data set, print its metrics on the test split and "
                + "save it (safetensors, with provenance).",
                "Built-in sets use their fixed train/test split; a CSV file is split 80/20, stratified, with --seed."},
        footer = {"", "Examples:",
                "  botsec train --data builtin:breast_cancer --model logreg --out bc.safetensors",
                "  botsec train --data builtin:digits8x8 --model mlp --hidden 128,64 \\",
                "               --epochs 30 --out digits.safetensors",
                "  botsec train --data builtin:sentiment_sentences --model text-logreg \\",
                "               --out sentiment.safetensors",
                "  botsec train --data my.csv --label target --model logreg --out my.safetensors"})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "CSV file (header row; numeric features) or builtin:NAME.")
    String data;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of a CSV file (required for CSV).")
    String label;

    @Option(names = "--model", required = true, paramLabel = "MODEL", converter = ModelKind.Converter.class,
            completionCandidates = ModelKind.Candidates.class,
            description = "One of: ${COMPLETION-CANDIDATES}.")
    ModelKind model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the model.")
    Path out;

    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the data (mlp; default "
            + Training.DEFAULT_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows per step (mlp; default "
            + Training.DEFAULT_BATCH_SIZE + ").")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam learning rate (mlp; default 0.001).")
    Double learningRate;

    @Option(names = "--hidden", paramLabel = "N,N...", description = "Hidden layer widths (mlp; default 128).")
    String hidden;

    @Option(names = "--c", paramLabel = "C", description = "Inverse L2 strength, as scikit-learn's C "
            + "(logreg, softmax, text-logreg; default 1.0).")
    Double c;

    @Option(names = "--standardize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Standardize features inside the model (logreg, softmax; default on).")
    boolean standardize;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the CSV split, weight init and shuffling (default 42; recorded in the model).")
    long seed;

    @Option(names = "--dp", description = "Train with DP-SGD (differential privacy). Not yet available: it is wired "
            + "in by the privacy module.")
    boolean dp;

    @Option(names = "--l2-norm-clip", paramLabel = "C", description = "DP-SGD: per-example gradient L2 clip (> 0).")
    Double l2NormClip;

    @Option(names = "--noise-multiplier", paramLabel = "S", description = "DP-SGD: noise std / clip (>= 0).")
    Double noiseMultiplier;

    @Option(names = "--num-microbatches", paramLabel = "M", description = "DP-SGD: microbatches per batch (>= 1).")
    Integer numMicrobatches;

    @Option(names = "--delta", paramLabel = "D", description = "DP-SGD: target delta, in (0, 1).")
    Double delta;

    @Option(names = "--target-epsilon", paramLabel = "EPS",
            description = "DP-SGD: calibrate the noise to reach this epsilon (> 0) instead of --noise-multiplier.")
    Double targetEpsilon;

    @Option(names = "--json", description = "Print one JSON document (metrics, sizes, output path).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar on stderr.")
    boolean quiet;

    /**
     * The JSON document of {@code botsec train}.
     *
     * @param epsilon the privacy spent with {@code --dp}; absent otherwise
     */
    public record Result(String model, String modelType, String data, String split, int trainSize, int testSize,
                         long seed, String out, Evaluation metrics,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Double epsilon) {
    }

    @Override
    public Integer call() {
        Training.Request request = request();
        checkDp();
        checkOut(out);
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "train", !quiet);
        Training.Outcome o = Training.run(request, bar);
        ModelFiles.save(o.model(), out);
        Result r = new Result(model.cliName(), o.model().type(), data, o.split(), o.trainSize(), o.testSize(), seed,
                out.toString(), o.metrics(), null);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, r);
        } else {
            w.printf(Locale.ROOT, "trained %s (%s) on %s: %d train rows, %d test rows (%s)%n", r.model(),
                    r.modelType(), data, r.trainSize(), r.testSize(), r.split());
            w.println("test metrics:");
            CoreSupport.printEvaluation(w, o.metrics());
            w.printf("wrote %s%n", out);
            w.flush();
        }
        return ExitCode.OK;
    }

    private Training.Request request() {
        boolean mlp = model == ModelKind.MLP;
        if (!mlp) {
            String only = epochs != null ? "--epochs" : batchSize != null ? "--batch-size"
                    : learningRate != null ? "--learning-rate" : hidden != null ? "--hidden" : null;
            if (only != null && !dp) {
                throw BadInputException.of("%s applies to --model mlp; %s is solved exactly with L-BFGS", only,
                        model.cliName());
            }
        } else if (c != null) {
            throw BadInputException.of("--c applies to logreg, softmax and text-logreg, not to %s", model.cliName());
        }
        int e = epochs == null ? Training.DEFAULT_EPOCHS : epochs;
        if (e < 1) {
            throw BadInputException.of("--epochs must be >= 1, got %d", e);
        }
        int b = batchSize == null ? Training.DEFAULT_BATCH_SIZE : batchSize;
        if (b < 1) {
            throw BadInputException.of("--batch-size must be >= 1, got %d", b);
        }
        double lr = learningRate == null ? Training.DEFAULT_LEARNING_RATE : learningRate;
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw BadInputException.of("--learning-rate must be > 0 and finite, got %s", lr);
        }
        double cc = c == null ? 1.0 : c;
        if (!(cc > 0) || !Double.isFinite(cc)) {
            throw BadInputException.of("--c must be > 0 and finite, got %s", cc);
        }
        int[] h = hidden == null ? Training.DEFAULT_HIDDEN : parseHidden(hidden);
        if (label != null && label.isBlank()) {
            throw new BadInputException("--label is empty");
        }
        return new Training.Request(data, label, model, seed, e, b, lr, h, cc, standardize);
    }

    static int[] parseHidden(String s) {
        String[] parts = s.split(",", -1);
        if (parts.length > 16) {
            throw BadInputException.of("--hidden allows at most 16 layers, got %d", parts.length);
        }
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException ex) {
                throw BadInputException.of("--hidden must be comma-separated widths like 128,64, got '%s'", s);
            }
            if (out[i] < 1 || out[i] > 65_536) {
                throw BadInputException.of("--hidden widths must be in [1, 65536], got %d in '%s'", out[i], s);
            }
        }
        return out;
    }

    private void checkDp() {
        if (!dp) {
            String flag = l2NormClip != null ? "--l2-norm-clip" : noiseMultiplier != null ? "--noise-multiplier"
                    : numMicrobatches != null ? "--num-microbatches" : delta != null ? "--delta"
                    : targetEpsilon != null ? "--target-epsilon" : null;
            if (flag != null) {
                throw BadInputException.of("%s only applies with --dp", flag);
            }
            return;
        }
        if (l2NormClip != null && !(l2NormClip > 0 && Double.isFinite(l2NormClip))) {
            throw BadInputException.of("--l2-norm-clip must be > 0 and finite, got %s", l2NormClip);
        }
        if (noiseMultiplier != null && !(noiseMultiplier >= 0 && Double.isFinite(noiseMultiplier))) {
            throw BadInputException.of("--noise-multiplier must be >= 0 and finite, got %s", noiseMultiplier);
        }
        if (numMicrobatches != null && numMicrobatches < 1) {
            throw BadInputException.of("--num-microbatches must be >= 1, got %d", numMicrobatches);
        }
        if (delta != null && !(delta > 0 && delta < 1)) {
            throw BadInputException.of("--delta must be in (0, 1), got %s", delta);
        }
        if (targetEpsilon != null && !(targetEpsilon > 0 && Double.isFinite(targetEpsilon))) {
            throw BadInputException.of("--target-epsilon must be > 0 and finite, got %s", targetEpsilon);
        }
        if (targetEpsilon != null && noiseMultiplier != null) {
            throw new BadInputException("give --noise-multiplier or --target-epsilon, not both");
        }
        throw new BadInputException("--dp is not yet available: DP-SGD training is wired in by the privacy module "
                + "(botsec-privacy); train without --dp for now");
    }

    static void checkOut(Path out) {
        if (Files.isDirectory(out)) {
            throw BadInputException.of("--out %s is a folder; give a file name such as model.safetensors", out);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw BadInputException.of("--out %s: folder %s does not exist", out, parent);
        }
    }

}
