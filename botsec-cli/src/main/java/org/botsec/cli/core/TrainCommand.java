package org.botsec.cli.core;

import org.botsec.core.math.Numbers;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.cli.ProgressBar;
import org.botsec.core.BadInputException;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.io.ModelFiles;
import org.botsec.privacy.DpOptimizer;
import org.botsec.privacy.accountant.AccountantType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec train}: train a model, report test metrics, save it with its provenance. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model on a CSV file or a built-in data set, print its metrics on the test split and "
                + "save it (safetensors, with provenance).",
                "Built-in sets use their fixed train/test split (builtin:NAME:all trains on every row); a CSV file is "
                        + "split 80/20, stratified, with --seed (--test-fraction F; 0 trains on every row). With no "
                        + "rows held out, the metrics are on the training data and say so."},
        footer = {"", "Examples:",
                "  botsec train --data builtin:breast_cancer --model logreg --out bc.safetensors",
                "  botsec train --data builtin:digits8x8 --model mlp --hidden 128,64 \\",
                "               --epochs 30 --out digits.safetensors",
                "  botsec train --data builtin:sentiment_sentences --model text-logreg \\",
                "               --out sentiment.safetensors",
                "  botsec train --data my.csv --label target --model logreg --out my.safetensors",
                "  botsec train --data builtin:digits8x8 --model mlp --hidden 64 --out digits-dp.safetensors \\",
                "               --dp --l2-norm-clip 1.0 --noise-multiplier 1.1 --learning-rate 0.1 \\",
                "               --delta 1e-5 --epochs 20 --batch-size 64 --target-epsilon 8"})
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

    @Option(names = "--test-fraction", paramLabel = "F", description = "CSV files: fraction of rows held out for "
            + "the metrics, stratified, in [0, 1) (default " + Training.TEST_FRACTION + "); 0 trains on every row and "
            + "reports metrics on the training data.")
    Double testFraction;

    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the data (mlp or --dp; default "
            + Training.DEFAULT_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows per step (mlp; default "
            + Training.DEFAULT_BATCH_SIZE + "); with --dp the expected batch of Poisson sampling, q = B/N.")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Learning rate (mlp: Adam, default 0.001; required with --dp).")
    Double learningRate;

    @Option(names = "--hidden", paramLabel = "N,N...", description = "Hidden layer widths (mlp; default 128).")
    String hidden;

    @Option(names = "--c", paramLabel = "C", description = "Inverse L2 strength, as scikit-learn's C "
            + "(logreg, softmax, text-logreg; default 1.0).")
    Double c;

    @Option(names = "--standardize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Standardize features inside the model (logreg, softmax, mlp; default on). With --dp the "
                    + "scaler is fitted on the private data and NOT covered by the guarantee (a warning says so).")
    boolean standardize;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the CSV split, weight init and shuffling (default 42; recorded in the model).")
    long seed;

    @Option(names = "--adversarial", paramLabel = "pgd", description = "mlp: PGD adversarial training (Madry et al. "
            + "2018): each batch mixes clean rows with PGD-7 (L-infinity) examples at --epsilon.")
    String adversarial;

    @Option(names = "--epsilon", paramLabel = "E", description = "With --adversarial: the L-infinity budget (e.g. 0.1 "
            + "for pixels in [0, 1]).")
    Double adversarialEpsilon;

    @Option(names = "--dp", description = "Train with DP-SGD (differential privacy; privacy unit: one training "
            + "example, Poisson sampling). Needs --l2-norm-clip, --noise-multiplier, --learning-rate and --delta.")
    boolean dp;

    @Option(names = "--l2-norm-clip", paramLabel = "C", description = "DP-SGD: per-example gradient L2 clip (> 0).")
    Double l2NormClip;

    @Option(names = "--noise-multiplier", paramLabel = "S",
            description = "DP-SGD: noise standard deviation / clip (> 0).")
    Double noiseMultiplier;

    @Option(names = "--num-microbatches", paramLabel = "M", description = "DP-SGD: microbatches per batch; must "
            + "divide --batch-size (default: per-example clipping; fewer microbatches double the sensitivity).")
    Integer numMicrobatches;

    @Option(names = "--delta", paramLabel = "D", description = "DP-SGD: delta, in (0, 1/N).")
    Double delta;

    @Option(names = "--target-epsilon", paramLabel = "EPS", description = "DP-SGD: privacy budget (> 0). Training "
            + "stops before epsilon would exceed it; the model of the last step within budget is written and the "
            + "command exits 3.")
    Double targetEpsilon;

    @Option(names = "--optimizer", paramLabel = "sgd|momentum|adam",
            description = "DP-SGD: update rule on the private gradient (default sgd).")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "MU", description = "DP-SGD: momentum in [0, 1) for --optimizer "
            + "momentum (default " + DpTrainingSupport.DEFAULT_MOMENTUM + ").")
    Double momentum;

    @Option(names = "--accountant", paramLabel = "rdp|pld", description = "DP-SGD: accountant (default rdp).")
    String accountant;

    @Option(names = "--insecure-seed", paramLabel = "S", description = "DP-SGD: INSECURE replayable noise and "
            + "sampling from this seed (tests only: whoever knows the seed can remove the noise). Default: "
            + "SecureRandom.")
    Long insecureSeed;

    @Option(names = "--scaler", paramLabel = "FILE", description = "DP logreg/softmax: standardize with this "
            + "public scaler, JSON {\"mean\": [...], \"scale\": [...]} (from public data or fixed bounds: covered by the "
            + "guarantee) instead of one fitted on the private data.")
    Path scaler;

    @Option(names = "--vocabulary", paramLabel = "private|dp|FILE", description = "DP text-logreg: vocabulary from "
            + "the private texts (NOT covered by the guarantee; default), a DP selection (its epsilon is added) or a "
            + "public file with one term per line.")
    String vocabulary;

    @Option(names = "--vocabulary-epsilon", paramLabel = "EPS", description = "--vocabulary dp: epsilon of the "
            + "selection (default " + DpTrainingSupport.DEFAULT_VOCABULARY_EPSILON + ").")
    Double vocabularyEpsilon;

    @Option(names = "--vocabulary-delta", paramLabel = "D",
            description = "--vocabulary dp: delta of the selection (default: --delta).")
    Double vocabularyDelta;

    @Option(names = "--max-tokens-per-document", paramLabel = "K", description = "--vocabulary dp: distinct tokens "
            + "counted per document (default " + DpTrainingSupport.DEFAULT_MAX_TOKENS_PER_DOCUMENT + ").")
    Integer maxTokensPerDocument;

    @Option(names = "--max-terms", paramLabel = "N", description = "DP text-logreg: vocabulary size cap (default "
            + DpTrainingSupport.DEFAULT_MAX_TERMS + ").")
    Integer maxTerms;

    @Option(names = "--json", description = "Print one JSON document (metrics, sizes, output path).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar on stderr.")
    boolean quiet;

    /**
     * The JSON document of {@code botsec train}; with {@code --dp} the privacy fields follow at the top level.
     *
     * @param privacy what DP-SGD spent with {@code --dp}; absent otherwise
     */
    public record Result(String model, String modelType, String data, String split, int trainSize, int testSize,
                         long seed, String out, String evaluatedOn, Evaluation metrics,
                         @JsonUnwrapped DpReport privacy) {
    }

    /**
     * What {@code --dp} spent and how (JSON keys in snake_case at the top level of {@link Result}).
     *
     * @param epsilon           ε of the whole model (DP-SGD plus a DP vocabulary, by basic composition)
     * @param delta             δ of the whole model
     * @param accountant        rdp or pld
     * @param sampleRate        Poisson sampling rate q = B/N
     * @param steps             steps taken
     * @param stepsPlanned      steps asked for, ceil(epochs·N/B)
     * @param noiseMultiplier   σ
     * @param l2NormClip        C
     * @param numMicrobatches   M, or null for per-example clipping
     * @param optimizer         sgd, momentum or adam
     * @param learningRate      the learning rate
     * @param batchSize         B (expected batch size)
     * @param targetEpsilon     the budget, or null
     * @param stoppedByBudget   with a budget: whether training stopped early to stay within it
     * @param noise             secure-random or insecure-seeded
     * @param insecureSeed      the seed of insecure noise, or null
     * @param preprocessing     fitted_on_private_data, public_or_fixed or differentially_private
     * @param dpSgdEpsilon      DP-SGD's share of ε when a DP vocabulary was used, else null
     * @param vocabularyEpsilon the DP vocabulary's ε, else null
     * @param warnings          what the guarantee does not cover (empty when it covers everything)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DpReport(double epsilon, double delta, String accountant, double sampleRate, long steps,
                           long stepsPlanned, double noiseMultiplier, double l2NormClip, Integer numMicrobatches,
                           String optimizer, double learningRate, int batchSize, Double targetEpsilon,
                           Boolean stoppedByBudget, String noise, Long insecureSeed, String preprocessing,
                           Double dpSgdEpsilon, Double vocabularyEpsilon, List<String> warnings) {
    }

    @Override
    public Integer call() {
        DpTrainingSupport.Options dpOptions = checkDp();
        Training.Request request = request(dpOptions);
        checkOut(out);
        PrintWriter err = spec.commandLine().getErr();
        ProgressBar bar = new ProgressBar(err, dp ? "dp-train" : "train", !quiet);
        Training.Outcome o = Training.run(request, bar);
        ModelFiles.save(o.model(), out);
        DpReport p = o.privacy();
        Result r = new Result(model.cliName(), o.model().type(), data, o.split(), o.trainSize(), o.testSize(), seed,
                out.toString(), o.evaluatedOn(), o.metrics(), p);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, r);
        } else {
            w.printf(Locale.ROOT, "trained %s (%s) on %s: %d train rows, %d test rows (%s)%n", r.model(),
                    r.modelType(), data, r.trainSize(), r.testSize(), r.split());
            if (p != null) {
                printPrivacy(w, p);
            }
            w.println(o.evaluatedOn().equals(Training.ON_TRAINING)
                    ? "metrics on the TRAINING data (every row was trained on; not an estimate for new data):"
                    : "test metrics:");
            CoreSupport.printEvaluation(w, o.metrics());
            w.printf("wrote %s%n", out);
            w.flush();
        }
        if (p != null) {
            if (json) {
                // the human output has them on stdout; with --json they are in the document and repeated here
                for (String warning : p.warnings()) {
                    err.println("WARNING: " + warning);
                }
            }
            if (Boolean.TRUE.equals(p.stoppedByBudget())) {
                err.printf(Locale.ROOT, "privacy budget reached: stopped after %d of %d planned steps at epsilon "
                        + "%s (target %s, delta %s); the model of the last step within budget was written to %s%n",
                        p.steps(), p.stepsPlanned(), Numbers.format(p.epsilon()), Numbers.format(p.targetEpsilon()),
                        Numbers.format(p.delta()), out);
                err.flush();
                return ExitCode.THRESHOLD_FAILED;
            }
            err.flush();
        }
        return ExitCode.OK;
    }

    private static void printPrivacy(PrintWriter w, DpReport p) {
        w.printf(Locale.ROOT, "privacy: epsilon %s at delta %s (%s accountant)%s%n", Numbers.format(p.epsilon()),
                Numbers.format(p.delta()), p.accountant(), p.dpSgdEpsilon() == null ? "" : String.format(Locale.ROOT,
                        ": DP-SGD %s + DP vocabulary %s (basic composition)", Numbers.format(p.dpSgdEpsilon()),
                        Numbers.format(p.vocabularyEpsilon())));
        w.println("  " + ModelInfoCommand.EPSILON_DELTA_MEANING);
        w.printf(Locale.ROOT, "  DP-SGD: %d of %d steps, sample rate %s (Poisson, batch %d), l2 norm clip %s, "
                        + "noise multiplier %s, %s, %s, learning rate %s%n", p.steps(), p.stepsPlanned(),
                Numbers.format(p.sampleRate()), p.batchSize(), Numbers.format(p.l2NormClip()),
                Numbers.format(p.noiseMultiplier()),
                p.numMicrobatches() == null ? "per-example clipping" : p.numMicrobatches() + " microbatches",
                p.optimizer(), Numbers.format(p.learningRate()));
        if (p.targetEpsilon() != null) {
            w.printf(Locale.ROOT, "  budget: target epsilon %s, %s%n", Numbers.format(p.targetEpsilon()),
                    p.stoppedByBudget() ? "STOPPED EARLY to stay within it" : "not reached");
        }
        w.printf("  noise: %s%s%n", p.noise(), p.insecureSeed() == null ? "" : " (seed " + p.insecureSeed()
                + "; INSECURE: replayable, do not ship)");
        w.printf("  preprocessing: %s%n", p.preprocessing());
        w.println("  privacy unit: one training example; neighbouring data sets differ by adding or removing it");
        for (String warning : p.warnings()) {
            w.println("WARNING: " + warning);
        }
    }

    private Training.Request request(DpTrainingSupport.Options dpOptions) {
        boolean mlp = model == ModelKind.MLP;
        if (!mlp) {
            String only = hidden != null ? "--hidden" : dp ? null : epochs != null ? "--epochs"
                    : batchSize != null ? "--batch-size" : learningRate != null ? "--learning-rate" : null;
            if (only != null) {
                throw BadInputException.of("%s applies to --model mlp%s; %s is solved exactly with L-BFGS", only,
                        only.equals("--hidden") ? "" : " (or with --dp)", model.cliName());
            }
        }
        if (c != null && (mlp || dp)) {
            throw BadInputException.of("--c applies to the non-private logreg, softmax and text-logreg; %s",
                    dp ? "DP-SGD trains without an L2 penalty" : "not to " + model.cliName());
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
        if (testFraction != null && !(testFraction >= 0 && testFraction < 1)) {
            throw BadInputException.of("--test-fraction must be in [0, 1) (0 trains on every row), got %s",
                    testFraction);
        }
        OptionalDouble adv = OptionalDouble.empty();
        if (adversarial != null || adversarialEpsilon != null) {
            if (!"pgd".equals(adversarial)) {
                throw BadInputException.of("--adversarial must be pgd, got %s", adversarial);
            }
            if (!mlp || dp) {
                throw new BadInputException("--adversarial applies to the non-private --model mlp");
            }
            if (adversarialEpsilon == null || !(adversarialEpsilon > 0) || !Double.isFinite(adversarialEpsilon)) {
                throw BadInputException.of("--adversarial pgd needs --epsilon E > 0, got %s", adversarialEpsilon);
            }
            adv = OptionalDouble.of(adversarialEpsilon);
        }
        return new Training.Request(data, label, model, seed, e, b, lr, h, cc, standardize, dpOptions,
                testFraction == null ? OptionalDouble.empty() : OptionalDouble.of(testFraction), adv);
    }

    /** Parses {@code --hidden} widths such as {@code 128,64} (shared by {@code fl simulate}). */
    public static int[] parseHidden(String s) {
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

    /** Checks the DP flags (ranges and combinations; checks against the data come later); null without --dp. */
    private DpTrainingSupport.Options checkDp() {
        if (!dp) {
            String flag = l2NormClip != null ? "--l2-norm-clip" : noiseMultiplier != null ? "--noise-multiplier"
                    : numMicrobatches != null ? "--num-microbatches" : delta != null ? "--delta"
                    : targetEpsilon != null ? "--target-epsilon" : optimizer != null ? "--optimizer"
                    : momentum != null ? "--momentum" : accountant != null ? "--accountant"
                    : insecureSeed != null ? "--insecure-seed" : scaler != null ? "--scaler" : vocabulary != null ? "--vocabulary"
                    : vocabularyEpsilon != null ? "--vocabulary-epsilon" : vocabularyDelta != null
                    ? "--vocabulary-delta" : maxTokensPerDocument != null ? "--max-tokens-per-document"
                    : maxTerms != null ? "--max-terms" : null;
            if (flag != null) {
                throw BadInputException.of("%s only applies with --dp", flag);
            }
            return null;
        }
        List<String> missing = new ArrayList<>();
        if (l2NormClip == null) {
            missing.add("--l2-norm-clip");
        }
        if (noiseMultiplier == null) {
            missing.add("--noise-multiplier");
        }
        if (learningRate == null) {
            missing.add("--learning-rate");
        }
        if (delta == null) {
            missing.add("--delta");
        }
        if (!missing.isEmpty()) {
            throw BadInputException.of("--dp needs %s (missing: %s)",
                    "--l2-norm-clip, --noise-multiplier, --learning-rate and --delta", String.join(", ", missing));
        }
        if (!(l2NormClip > 0 && Double.isFinite(l2NormClip))) {
            throw BadInputException.of("--l2-norm-clip must be > 0 and finite, got %s", l2NormClip);
        }
        if (!(noiseMultiplier > 0 && Double.isFinite(noiseMultiplier))) {
            throw BadInputException.of("--noise-multiplier must be > 0 and finite (0 adds no noise: epsilon is "
                    + "infinite; train without --dp instead), got %s", noiseMultiplier);
        }
        if (numMicrobatches != null && numMicrobatches < 1) {
            throw BadInputException.of("--num-microbatches must be >= 1, got %d", numMicrobatches);
        }
        if (!(delta > 0 && delta < 1)) {
            throw BadInputException.of("--delta must be in (0, 1), got %s", delta);
        }
        if (targetEpsilon != null && !(targetEpsilon > 0 && Double.isFinite(targetEpsilon))) {
            throw BadInputException.of("--target-epsilon must be > 0 and finite, got %s", targetEpsilon);
        }
        DpOptimizer opt = DpOptimizer.SGD;
        if (optimizer != null) {
            opt = switch (optimizer.toLowerCase(Locale.ROOT)) {
                case "sgd" -> DpOptimizer.SGD;
                case "momentum" -> DpOptimizer.MOMENTUM;
                case "adam" -> DpOptimizer.ADAM;
                default -> throw BadInputException.of("--optimizer must be sgd, momentum or adam, got '%s'",
                        optimizer);
            };
        }
        if (momentum != null && opt != DpOptimizer.MOMENTUM) {
            throw new BadInputException("--momentum applies with --optimizer momentum");
        }
        double mu = momentum == null ? DpTrainingSupport.DEFAULT_MOMENTUM : momentum;
        if (!(mu >= 0 && mu < 1)) {
            throw BadInputException.of("--momentum must be in [0, 1), got %s", mu);
        }
        AccountantType type = accountant == null ? AccountantType.RDP : AccountantType.parse(accountant);
        if (scaler != null && model != ModelKind.LOGREG && model != ModelKind.SOFTMAX) {
            throw BadInputException.of("--scaler applies to logreg and softmax, not to %s", model.cliName());
        }
        if (scaler != null && !standardize) {
            throw new BadInputException("give --scaler FILE or --no-standardize, not both");
        }
        return new DpTrainingSupport.Options(l2NormClip, noiseMultiplier, numMicrobatches, delta, targetEpsilon, opt,
                mu, type, insecureSeed, scaler, vocabulary());
    }

    private DpTrainingSupport.Vocabulary vocabulary() {
        if (!model.isText()) {
            String flag = vocabulary != null ? "--vocabulary" : vocabularyEpsilon != null ? "--vocabulary-epsilon"
                    : vocabularyDelta != null ? "--vocabulary-delta" : maxTokensPerDocument != null
                    ? "--max-tokens-per-document" : maxTerms != null ? "--max-terms" : null;
            if (flag != null) {
                throw BadInputException.of("%s applies to --model text-logreg, not to %s", flag, model.cliName());
            }
            return null;
        }
        String v = vocabulary == null ? "private" : vocabulary;
        DpTrainingSupport.VocabularySource source = switch (v) {
            case "private" -> DpTrainingSupport.VocabularySource.PRIVATE;
            case "dp" -> DpTrainingSupport.VocabularySource.DP;
            default -> DpTrainingSupport.VocabularySource.FILE;
        };
        if (source != DpTrainingSupport.VocabularySource.DP) {
            String flag = vocabularyEpsilon != null ? "--vocabulary-epsilon" : vocabularyDelta != null
                    ? "--vocabulary-delta" : maxTokensPerDocument != null ? "--max-tokens-per-document" : null;
            if (flag != null) {
                throw BadInputException.of("%s applies with --vocabulary dp", flag);
            }
        }
        double ve = vocabularyEpsilon == null ? DpTrainingSupport.DEFAULT_VOCABULARY_EPSILON : vocabularyEpsilon;
        if (!(ve > 0 && Double.isFinite(ve))) {
            throw BadInputException.of("--vocabulary-epsilon must be > 0 and finite, got %s", ve);
        }
        double vd = vocabularyDelta == null ? Double.NaN : vocabularyDelta;
        if (vocabularyDelta != null && !(vd > 0 && vd < 1)) {
            throw BadInputException.of("--vocabulary-delta must be in (0, 1), got %s", vd);
        }
        int k = maxTokensPerDocument == null ? DpTrainingSupport.DEFAULT_MAX_TOKENS_PER_DOCUMENT
                : maxTokensPerDocument;
        if (k < 1 || k > 100_000) {
            throw BadInputException.of("--max-tokens-per-document must be in [1, 100000], got %d", k);
        }
        int terms = maxTerms == null ? DpTrainingSupport.DEFAULT_MAX_TERMS : maxTerms;
        if (terms < 1 || terms > 100_000) {
            throw BadInputException.of("--max-terms must be in [1, 100000], got %d", terms);
        }
        return new DpTrainingSupport.Vocabulary(source,
                source == DpTrainingSupport.VocabularySource.FILE ? Path.of(v) : null, ve, vd, k, terms);
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
