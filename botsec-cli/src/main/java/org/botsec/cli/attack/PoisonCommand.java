package org.botsec.cli.attack;

import org.botsec.core.math.Numbers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.botsec.attack.AttackReport;
import org.botsec.attack.poisoning.ActivationClustering;
import org.botsec.attack.poisoning.AttributionConcentration;
import org.botsec.attack.poisoning.Detection;
import org.botsec.attack.poisoning.DetectorKind;
import org.botsec.attack.poisoning.PoisonDetector;
import org.botsec.attack.poisoning.PoisonMethod;
import org.botsec.attack.poisoning.PoisonScan;
import org.botsec.attack.poisoning.PoisonedData;
import org.botsec.attack.poisoning.Poisoner;
import org.botsec.attack.poisoning.PoisoningExperiment;
import org.botsec.attack.poisoning.PoisoningResult;
import org.botsec.attack.poisoning.SpectralSignatures;
import org.botsec.attack.poisoning.Trigger;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.cli.ProgressBar;
import org.botsec.cli.TrainingProgress;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.Splits;
import org.botsec.core.finding.FindingJson;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.rand.Randomness;
import org.botsec.core.train.Adam;
import org.botsec.core.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code botsec attack poison}: poison a training set (label flipping or a BadNets backdoor), train on it, measure
 * the damage and run the poisoning detectors; or, with {@code --scan-only}, scan a user's own training set and model.
 */
@Command(name = "poison", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Poison a training set (label flipping or a BadNets backdoor), train the same model on the clean "
                + "and the poisoned data, and report the clean-accuracy drop, the attack success rate on triggered "
                + "test inputs, and the precision and recall of the poisoning detectors.",
                "With --scan-only: run the detectors on your own training data and model (--model FILE) and report "
                        + "the flagged rows."},
        footer = {"", "Examples:",
                "  botsec attack poison --data builtin:digits8x8 --model mlp --method backdoor --rate 0.05 \\",
                "                       --target-class 0 --trigger-size 2 --detect spectral,activation-clustering",
                "  botsec attack poison --data builtin:digits8x8 --model mlp --method label-flip --rate 0.1",
                "  botsec attack poison --scan-only --model digits.safetensors --data builtin:digits8x8:train \\",
                "                       --detect activation-clustering,attribution"})
public final class PoisonCommand implements Callable<Integer> {
    static final int DEFAULT_EPOCHS = 30;
    static final int DEFAULT_BATCH_SIZE = 64;
    static final double DEFAULT_LEARNING_RATE = 1e-3;
    static final int DEFAULT_HIDDEN = 128;
    static final double TEST_FRACTION = 0.2;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "CSV file or builtin:NAME (attack: its fixed train/test split; CSV: stratified 80/20 with "
                    + "--seed). With --scan-only: the training rows exactly as given (e.g. builtin:NAME:train).")
    String data;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of a CSV file.")
    String label;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Attack: the model to train, mlp or logreg. With --scan-only: the model file.")
    String model;

    @Option(names = "--scan-only", description = "Only run the detectors on --data and the model file --model.")
    boolean scanOnly;

    @Option(names = "--method", paramLabel = "M", description = "label-flip or backdoor.")
    String method;

    @Option(names = "--rate", paramLabel = "R", description = "Fraction of training rows poisoned, in (0, 1).")
    Double rate;

    @Option(names = "--target-class", paramLabel = "C", description = "Backdoor target class index (default 0).")
    Integer targetClass;

    @Option(names = "--trigger-size", paramLabel = "K", description = "Backdoor: side of the white square in the "
            + "bottom-right corner (default 2 for images up to 16x16, else 3).")
    Integer triggerSize;

    @Option(names = "--detect", paramLabel = "LIST", split = ",", description = "Detectors: spectral, "
            + "activation-clustering, attribution (comma-separated). Default: spectral,activation-clustering; "
            + "with --scan-only activation-clustering,attribution.")
    List<String> detect;

    @Option(names = "--expected-poison-rate", paramLabel = "E", description = "Spectral signatures: epsilon, an "
            + "upper bound on the poisoned share of a class (1.5 E of each class is flagged). Attack default: the "
            + "true share in the most-poisoned class (the paper's setting); required for spectral with --scan-only.")
    Double expectedPoisonRate;

    @Option(names = "--attribution-rows", paramLabel = "N", description = "Attribution detector: training rows "
            + "explained with Kernel SHAP (default " + AttributionConcentration.DEFAULT_SAMPLE + ").")
    Integer attributionRows;

    @Option(names = "--attribution-nsamples", paramLabel = "N", description = "Attribution detector: Kernel SHAP "
            + "coalitions per row (default 2M + 2048).")
    Integer attributionNsamples;

    @Option(names = "--hidden", paramLabel = "H", description = "MLP hidden width (default " + DEFAULT_HIDDEN + ").")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "E", description = "MLP epochs (default " + DEFAULT_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of the poisoned rows, the "
            + "CSV split, training and the detectors (default 42; recorded).")
    long seed;

    @Option(names = "--max-attack-success-rate", paramLabel = "R", description = "Backdoor: exit 3 when the attack "
            + "success rate is above R.")
    Double maxAttackSuccessRate;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar on stderr.")
    boolean quiet;

    @Override
    public Integer call() {
        return scanOnly ? scan() : attack();
    }

    // ---------------------------------------------------------------- attack

    private int attack() {
        if (method == null || rate == null) {
            throw BadInputException.of("attack poison needs --method (label-flip or backdoor) and --rate (or give "
                    + "--scan-only to scan your own data)");
        }
        PoisonMethod m = PoisonMethod.parse(method);
        if (!(rate > 0 && rate < 1)) {
            throw BadInputException.of("--rate must be in (0, 1), got %s", rate);
        }
        boolean mlp = switch (model.toLowerCase(Locale.ROOT)) {
            case "mlp" -> true;
            case "logreg" -> false;
            default -> throw BadInputException.of("--model must be mlp or logreg for the attack (a model file goes with "
                    + "--scan-only), got '%s'", model);
        };
        if (!mlp && (hidden != null || epochs != null)) {
            throw BadInputException.of("%s applies to --model mlp", hidden != null ? "--hidden" : "--epochs");
        }
        if (m != PoisonMethod.BACKDOOR) {
            String only = targetClass != null ? "--target-class" : triggerSize != null ? "--trigger-size"
                    : maxAttackSuccessRate != null ? "--max-attack-success-rate" : null;
            if (only != null) {
                throw BadInputException.of("%s applies to --method backdoor", only);
            }
        }
        if (maxAttackSuccessRate != null && !(maxAttackSuccessRate >= 0 && maxAttackSuccessRate <= 1)) {
            throw BadInputException.of("--max-attack-success-rate must be in [0, 1], got %s", maxAttackSuccessRate);
        }
        int width = hidden == null ? DEFAULT_HIDDEN : hidden;
        if (width < 1 || width > 65_536) {
            throw BadInputException.of("--hidden must be in [1, 65536], got %d", width);
        }
        int e = epochs == null ? DEFAULT_EPOCHS : epochs;
        if (e < 1 || e > 10_000) {
            throw BadInputException.of("--epochs must be in [1, 10000], got %d", e);
        }
        List<DetectorKind> kinds = detectors(List.of(DetectorKind.SPECTRAL_SIGNATURES,
                DetectorKind.ACTIVATION_CLUSTERING));
        checkDetectorOptions(kinds);

        Dataset[] parts = trainTest();
        Dataset train = parts[0];
        Dataset test = parts[1];
        Poisoner.Builder pb = Poisoner.builder().method(m).poisonRate(rate).seed(seed);
        if (m == PoisonMethod.BACKDOOR) {
            int t = targetClass == null ? 0 : targetClass;
            if (t < 0 || t >= train.numClasses()) {
                throw BadInputException.of("--target-class must be in [0, %d) (%s), got %d", train.numClasses(),
                        String.join(", ", train.classNames()), t);
            }
            int side = (int) Math.round(Math.sqrt(train.numFeatures()));
            int k = triggerSize == null ? (side <= 16 ? 2 : 3) : triggerSize;
            pb.targetClass(t).trigger(Trigger.whiteSquare(train.numFeatures(), k));
        }
        Poisoner poisoner = pb.build();
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "poison", !quiet && !json);
        Function<Dataset, Classifier> trainer = mlp ? d -> trainMlp(d, width, e, bar) : PoisonCommand::trainLogreg;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("data", data);
        settings.put("model", mlp ? "mlp" : "logreg");
        if (mlp) {
            settings.put("hidden", width);
            settings.put("epochs", e);
            settings.put("batch_size", DEFAULT_BATCH_SIZE);
            settings.put("learning_rate", DEFAULT_LEARNING_RATE);
        }
        settings.put("split", DataSources.isBuiltin(data) ? "fixed" : "stratified 80/20, seed " + seed);
        PoisoningResult r = PoisoningExperiment.run(train, test, poisoner, trainer,
                pd -> build(kinds, pd, train.numFeatures()), settings);
        bar.finish();
        AttackReport report = r.toReport(data);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = document(report);
            List<Map<String, Object>> dets = new ArrayList<>();
            for (PoisoningResult.ScoredDetection sd : r.detections()) {
                Map<String, Object> d = detection(sd.detection());
                d.put("precision", sd.quality().precision());
                d.put("recall", sd.quality().recall());
                d.put("true_positives", sd.quality().truePositives());
                dets.add(d);
            }
            doc.put("detections", dets);
            Json.print(w, doc);
        } else {
            w.printf(Locale.ROOT, "%s on %s (%s): %d of %d training rows poisoned (rate %s), seed %d%n",
                    m.cliName(), data, mlp ? "mlp" : "logreg", r.poisonedRows(), r.trainRows(), Numbers.format(rate), seed);
            w.printf(Locale.ROOT, "  clean test accuracy: %.4f (trained on clean data: %.4f, drop %.4f)%n",
                    r.cleanAccuracy(), r.baselineCleanAccuracy(), r.cleanAccuracyDrop());
            r.attackSuccessRate().ifPresent(a -> w.printf(Locale.ROOT, "  attack success rate on triggered test "
                    + "inputs: %.4f (clean model: %.4f)%n", a, r.baselineAttackSuccessRate().orElse(0)));
            for (PoisoningResult.ScoredDetection sd : r.detections()) {
                w.printf(Locale.ROOT, "  detector %s: flagged %d rows, precision %.4f, recall %.4f%s%n",
                        sd.detection().detector().cliName(), sd.quality().flagged(), sd.quality().precision(),
                        sd.quality().recall(), sd.detection().triggerFeatures().isEmpty() ? ""
                                : ", trigger features " + sd.detection().triggerFeatures());
            }
            w.flush();
        }
        if (maxAttackSuccessRate != null && r.attackSuccessRate().orElse(0) > maxAttackSuccessRate) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "botsec: attack success rate %.4f is above --max-attack-success-rate %s%n",
                    r.attackSuccessRate().orElse(0), Numbers.format(maxAttackSuccessRate));
            err.flush();
            return ExitCode.THRESHOLD_FAILED;
        }
        return ExitCode.OK;
    }

    private Dataset[] trainTest() {
        if (DataSources.isBuiltin(data)) {
            DataSources.BuiltinSpec b = DataSources.parseBuiltin(data);
            if (data.indexOf(':', DataSources.BUILTIN.length()) >= 0) {
                throw BadInputException.of("the attack uses the fixed train/test split of builtin:%s; give --data "
                        + "builtin:%s (not %s)", b.name(), b.name(), data);
            }
            if (Builtins.isText(b.name())) {
                throw BadInputException.of("%s is a text data set; poisoning needs numeric features", data);
            }
            return new Dataset[]{Builtins.load(b.name(), Split.TRAIN), Builtins.load(b.name(), Split.TEST)};
        }
        Dataset all = DataSources.loadNumeric(data, label);
        if (all.numClasses() < 2) {
            throw BadInputException.of("%s has fewer than two classes", data);
        }
        int[][] idx = Splits.stratified(all.y(), TEST_FRACTION, seed);
        if (idx[0].length == 0 || idx[1].length == 0) {
            throw BadInputException.of("%s has too few rows (%d) for an 80/20 train/test split", data, all.size());
        }
        return new Dataset[]{all.subset(idx[0]), all.subset(idx[1])};
    }

    private Mlp trainMlp(Dataset d, int width, int e, ProgressBar bar) {
        Mlp init = Mlp.create(new int[]{d.numFeatures(), width, d.numClasses()}, d.featureNames(), d.classNames(),
                Randomness.replayable(seed));
        return Trainer.builder().optimizer(Adam.builder().learningRate(DEFAULT_LEARNING_RATE).build()).epochs(e)
                .batchSize(DEFAULT_BATCH_SIZE).randomness(Randomness.replayable(seed))
                .listener(new TrainingProgress(bar, e)).build().fit(init, d);
    }

    private static Classifier trainLogreg(Dataset d) {
        return LogisticRegression.builder().build().fit(d);
    }

    // ---------------------------------------------------------------- scan

    private int scan() {
        String only = method != null ? "--method" : rate != null ? "--rate" : targetClass != null ? "--target-class"
                : triggerSize != null ? "--trigger-size" : hidden != null ? "--hidden" : epochs != null ? "--epochs"
                : maxAttackSuccessRate != null ? "--max-attack-success-rate" : null;
        if (only != null) {
            throw BadInputException.of("%s applies to the attack, not to --scan-only", only);
        }
        List<DetectorKind> kinds = detectors(List.of(DetectorKind.ACTIVATION_CLUSTERING,
                DetectorKind.ATTRIBUTION_CONCENTRATION));
        checkDetectorOptions(kinds);
        if (kinds.contains(DetectorKind.SPECTRAL_SIGNATURES) && expectedPoisonRate == null) {
            throw BadInputException.of("--detect spectral with --scan-only needs --expected-poison-rate (an upper "
                    + "bound on the poisoned share of a class)");
        }
        Model loaded = ModelFiles.load(Path.of(model));
        if (!(loaded instanceof Classifier classifier)) {
            throw BadInputException.of("%s is a %s model; the scan needs a numeric classifier", model, loaded.type());
        }
        Dataset train = DataSources.loadNumeric(data, label);
        List<PoisonDetector> detectors = build(kinds, null, train.numFeatures());
        List<Detection> found = PoisonScan.run(data, train, classifier, detectors);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("data", data);
        settings.put("model", model);
        AttackReport report = PoisonScan.report(data, found, settings, seed);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = document(report);
            doc.put("detections", found.stream().map(PoisonCommand::detection).toList());
            Json.print(w, doc);
        } else {
            w.printf(Locale.ROOT, "poisoning scan of %s (%d rows) with %s, seed %d%n", data, train.size(), model,
                    seed);
            for (Detection d : found) {
                int[] rows = d.flaggedRows();
                w.printf(Locale.ROOT, "  detector %s: flagged %d rows%s%s%n", d.detector().cliName(), rows.length,
                        d.triggerFeatures().isEmpty() ? "" : ", possible trigger on features " + d.triggerFeatures(),
                        rows.length == 0 ? "" : " (first: " + Arrays.toString(Arrays.copyOf(rows,
                                Math.min(rows.length, 20))) + ")");
            }
            w.flush();
        }
        return ExitCode.OK;
    }

    // ---------------------------------------------------------------- shared

    private List<DetectorKind> detectors(List<DetectorKind> defaults) {
        if (detect == null) {
            return defaults;
        }
        LinkedHashSet<DetectorKind> out = new LinkedHashSet<>();
        for (String d : detect) {
            if (!d.isBlank() && !d.trim().equalsIgnoreCase("none")) {
                out.add(DetectorKind.parse(d));
            }
        }
        return List.copyOf(out);
    }

    private void checkDetectorOptions(List<DetectorKind> kinds) {
        if (expectedPoisonRate != null) {
            if (!kinds.contains(DetectorKind.SPECTRAL_SIGNATURES)) {
                throw BadInputException.of("--expected-poison-rate applies to --detect spectral");
            }
            if (!(expectedPoisonRate > 0 && expectedPoisonRate < 1)) {
                throw BadInputException.of("--expected-poison-rate must be in (0, 1), got %s", expectedPoisonRate);
            }
        }
        if ((attributionRows != null || attributionNsamples != null)
                && !kinds.contains(DetectorKind.ATTRIBUTION_CONCENTRATION)) {
            throw BadInputException.of("%s applies to --detect attribution",
                    attributionRows != null ? "--attribution-rows" : "--attribution-nsamples");
        }
        if (attributionRows != null && (attributionRows < 1 || attributionRows > 100_000)) {
            throw BadInputException.of("--attribution-rows must be in [1, 100000], got %d", attributionRows);
        }
        if (attributionNsamples != null) {
            org.botsec.explain.SampleLimits.check("--attribution-nsamples", attributionNsamples, 1, "features");
        }
    }

    /** The detectors; spectral's ε defaults to the true most-poisoned class share when the truth is known. */
    private List<PoisonDetector> build(List<DetectorKind> kinds, PoisonedData truth, int numFeatures) {
        List<PoisonDetector> out = new ArrayList<>();
        for (DetectorKind k : kinds) {
            out.add(switch (k) {
                case SPECTRAL_SIGNATURES -> {
                    double eps = expectedPoisonRate != null ? expectedPoisonRate
                            : Math.min(truth.maxClassPoisonShare(), 0.66);
                    yield new SpectralSignatures(eps);
                }
                case ACTIVATION_CLUSTERING -> new ActivationClustering(seed);
                case ATTRIBUTION_CONCENTRATION -> new AttributionConcentration(
                        attributionRows == null ? AttributionConcentration.DEFAULT_SAMPLE : attributionRows,
                        AttributionConcentration.defaultMaxFeatures(numFeatures),
                        AttributionConcentration.DEFAULT_MASS_FRACTION, AttributionConcentration.DEFAULT_MIN_SHARE,
                        attributionNsamples, seed);
            });
        }
        return out;
    }

    private static Map<String, Object> document(AttackReport report) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("attack", report.attack());
        doc.put("metrics", report.metrics());
        doc.put("settings", report.settings());
        doc.put("seed", report.seed().isPresent() ? report.seed().getAsLong() : null);
        doc.put("findings", report.findings().stream().map(FindingJson::toMap).toList());
        return doc;
    }

    private static Map<String, Object> detection(Detection d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detector", d.detector().cliName());
        m.put("flagged_rows", Arrays.stream(d.flaggedRows()).boxed().toList());
        m.put("rows_scanned", d.rowsScanned());
        m.put("trigger_features", d.triggerFeatures());
        m.put("settings", d.settings());
        m.put("details", d.details());
        return m;
    }
}
