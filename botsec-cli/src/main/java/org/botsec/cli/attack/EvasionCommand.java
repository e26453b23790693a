package org.botsec.cli.attack;

import org.botsec.core.math.Numbers;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.botsec.attack.AttackReport;
import org.botsec.attack.QueryCounter;
import org.botsec.attack.evasion.EvasionMethod;
import org.botsec.attack.evasion.EvasionResult;
import org.botsec.attack.evasion.FewPixelAttack;
import org.botsec.attack.evasion.GradientAttack;
import org.botsec.attack.evasion.HopSkipJump;
import org.botsec.attack.evasion.HopSkipJumpResult;
import org.botsec.attack.evasion.JsmaAttack;
import org.botsec.attack.evasion.JsmaResult;
import org.botsec.attack.evasion.Norm;
import org.botsec.attack.evasion.RobustnessCurve;
import org.botsec.attack.evasion.SquareAttack;
import org.botsec.attack.evasion.TargetClass;
import org.botsec.attack.evasion.Targets;
import org.botsec.attack.evasion.ValueRange;
import org.botsec.attack.text.WordAttack;
import org.botsec.attack.text.WordAttackResult;
import org.botsec.attack.text.WordChange;
import org.botsec.attack.text.WordEdits;
import org.botsec.attack.text.WordGuidance;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.cli.ProgressBar;
import org.botsec.core.BadInputException;
import org.botsec.core.ThresholdException;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.TextDataset;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingJson;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.GradientModel;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec attack evasion}: adversarial examples against a model, with clean and robust accuracy. */
@Command(name = "evasion", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Craft adversarial examples (FGSM, PGD, JSMA, few-pixel, Square Attack, HopSkipJump, word-level text) and measure clean and robust accuracy.",
        footer = {"", "Examples:",
                "  botsec attack evasion --model digits.safetensors --data builtin:digits8x8:test \\",
                "      --method pgd --norm linf --epsilon 0.1 --steps 40 --step-size 0.01",
                "  botsec attack evasion --model digits.safetensors --data builtin:digits8x8:test \\",
                "      --method few-pixel --max-pixels 10 --png adv/ --limit 20",
                "  botsec attack evasion --model digits.safetensors --data builtin:digits8x8:test \\",
                "      --method jsma --theta 1 --gamma 0.1 --target-class next",
                "  botsec attack evasion --model digits.safetensors --data builtin:digits8x8:test \\",
                "      --method hopskipjump --norm l2 --epsilon 1 --max-queries 2000 --seed 1 --limit 50",
                "  botsec attack evasion --model sentiment.safetensors --data builtin:sentiment_sentences:test \\",
                "      --method text --max-words 3 --edits vocabulary --limit 100",
                "  botsec attack evasion --model m.safetensors --data test.csv --label y --value-range none \\",
                "      --method fgsm --epsilon 0.05 --max-success-rate 0.2 --json"})
public final class EvasionCommand implements Callable<Integer> {
    /** Most PNG files written by one run. */
    static final int MAX_PNG_FILES = 200;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "Labelled CSV file or builtin:NAME[:train|:test|:all].")
    String data;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of a CSV file.")
    String label;

    @Option(names = "--method", required = true, paramLabel = "METHOD", description = "fgsm, pgd, jsma, few-pixel, square, hopskipjump, or text (word-level, for text models).")
    String method;

    @Option(names = "--norm", defaultValue = "linf", paramLabel = "linf|l2", description = "Perturbation norm for fgsm/pgd (default: ${DEFAULT-VALUE}).")
    String norm;

    @Option(names = "--epsilon", paramLabel = "E", description = "Perturbation budget (fgsm, pgd, square), >= 0; hopskipjump: stop a row within it (default: minimise the distance).")
    Double epsilon;

    @Option(names = "--curve", split = ",", paramLabel = "E1,E2,...", description = "fgsm/pgd: robust accuracy at each of these epsilons (a robustness curve); the report is the last one's.")
    double[] curve;

    @Option(names = "--steps", paramLabel = "N", description = "PGD iterations (default 40); hopskipjump: most gradient-estimation iterations (default 50).")
    Integer steps;

    @Option(names = "--step-size", paramLabel = "A", description = "PGD step size (default 2.5*E/N, Madry et al.).")
    Double stepSize;

    @Option(names = "--random-starts", paramLabel = "R", description = "Random starts in the epsilon-ball (default 0: start at the input).")
    Integer randomStarts;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random starts (default: random, recorded).")
    Long seed;

    @Option(names = "--max-pixels", paramLabel = "K", description = "few-pixel: most features changed per row (default 20).")
    Integer maxPixels;

    @Option(names = "--max-queries", paramLabel = "Q", description = "Query budget per row of the black-box methods, >= 1.")
    Long maxQueries;

    @Option(names = "--p-init", defaultValue = "0.8", paramLabel = "P", description = "square: initial fraction of pixels in a window (default: ${DEFAULT-VALUE}, the paper's value for MNIST).")
    double pInit;

    @Option(names = "--theta", paramLabel = "T", description = "jsma: change added to each chosen feature, clipped to the value range (default 1: pixels set to the maximum, as in the paper).")
    Double theta;

    @Option(names = "--gamma", paramLabel = "G", description = "jsma: largest fraction of the features that may change, in (0, 1] (default 0.1).")
    Double gamma;

    @Option(names = "--target-class", paramLabel = "next|random|second", description = "jsma: the class each row is pushed into: (label + 1) mod k, a random other class (--seed), or the most likely other class (default next).")
    String targetClass;

    @Option(names = "--max-words", paramLabel = "K", description = "text: most words changed per text (default 5).")
    Integer maxWords;

    @Option(names = "--guidance", paramLabel = "deletion|gradient", description = "text: rank words by the drop in the label's probability when deleted (black box) or by the TF-IDF model's gradient (default deletion).")
    String guidance;

    @Option(names = "--edits", paramLabel = "delete|typos|vocabulary", description = "text: edits tried per word: deletion; plus swapped inner letters; plus words of the model's vocabulary one edit away (default vocabulary).")
    String edits;

    @Option(names = "--targets", defaultValue = "true", paramLabel = "true|predicted", description = "Push away from the true labels or the model's clean predictions (default: ${DEFAULT-VALUE}).")
    String targets;

    @Option(names = "--value-range", defaultValue = "0:1", paramLabel = "MIN:MAX|none", description = "Values the model's inputs may take; steps are clipped to it (default: ${DEFAULT-VALUE}, pixels).")
    String valueRange;

    @Option(names = "--limit", paramLabel = "N", description = "Attack only the first N rows.")
    Integer limit;

    @Option(names = "--png", paramLabel = "DIR", description = "Write clean | adversarial | difference images (square grey images) into DIR.")
    Path png;

    @Option(names = "--max-success-rate", paramLabel = "R", description = "CI gate: exit 3 when the success rate is above R.")
    Double maxSuccessRate;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--json", description = "Print one JSON document {attack, metrics, findings, settings, seed, model_queries}.")
    boolean json;

    @Override
    public Integer call() {
        EvasionMethod m = EvasionMethod.parse(method);
        if (maxSuccessRate != null && !(maxSuccessRate >= 0 && maxSuccessRate <= 1)) {
            throw BadInputException.of("--max-success-rate must be from 0 to 1, got %s", maxSuccessRate);
        }
        if (limit != null && limit <= 0) {
            throw BadInputException.of("--limit must be >= 1, got %d", limit);
        }
        if (maxQueries != null && maxQueries <= 0) {
            throw BadInputException.of("--max-queries (the query budget) must be >= 1, got %d", maxQueries);
        }
        Norm n = Norm.parse(norm);
        Targets t = Targets.parse(targets);
        ValueRange range = parseRange(valueRange);
        if (m != EvasionMethod.TEXT) {
            for (Object[] o : new Object[][] {{"--max-words", maxWords}, {"--guidance", guidance},
                    {"--edits", edits}}) {
                if (o[1] != null) {
                    throw BadInputException.of("%s applies to --method text only", o[0]);
                }
            }
        }
        if (m != EvasionMethod.JSMA) {
            for (Object[] o : new Object[][] {{"--theta", theta}, {"--gamma", gamma}, {"--target-class", targetClass}}) {
                if (o[1] != null) {
                    throw BadInputException.of("%s applies to --method jsma only", o[0]);
                }
            }
        }
        if (png != null && (!Files.isDirectory(png) || !Files.isWritable(png))) {
            throw BadInputException.of("--png %s is not a writable folder", png);
        }
        Model loaded = ModelFiles.load(model);
        if (m == EvasionMethod.TEXT) {
            if (!(loaded instanceof TextClassifier tc)) {
                throw BadInputException.of("--method text needs a text model; %s is a %s model", model,
                        loaded.type());
            }
            return text(counter.wrap(tc), t);
        }
        if (loaded instanceof TextClassifier && !(loaded instanceof Classifier)) {
            throw BadInputException.of("model %s is a text model; attack it with --method text", model);
        }
        if (!(loaded instanceof Classifier raw)) {
            throw BadInputException.of("model %s (type %s) is not a classifier", model, loaded.type());
        }
        Classifier c = counter.wrap(raw); // every call the attack makes is counted (model_queries)
        if (m == EvasionMethod.SQUARE) {
            if (epsilon == null) {
                throw BadInputException.of("--method square needs --epsilon");
            }
            for (Object[] o : new Object[][] {{"--steps", steps}, {"--step-size", stepSize},
                    {"--random-starts", randomStarts}, {"--curve", curve}, {"--max-pixels", maxPixels}}) {
                if (o[1] != null) {
                    throw BadInputException.of("%s does not apply to --method square (budget: --max-queries)", o[0]);
                }
            }
            int budget = maxQueries == null ? 1000 : Math.toIntExact(Math.min(maxQueries, 1_000_000));
            SquareAttack sq = seed == null ? new SquareAttack(n, epsilon, budget, pInit, range, t)
                    : new SquareAttack(n, epsilon, budget, pInit, range, t, seed);
            Matrix[] xy = new Matrix[1];
            int[][] yy = new int[1][];
            data(c, xy, yy, range);
            EvasionResult r = sq.run(c, xy[0], yy[0]);
            finish(r, xy[0], c);
            return ExitCode.OK;
        }
        if (m == EvasionMethod.HOPSKIPJUMP) {
            for (Object[] o : new Object[][] {{"--step-size", stepSize}, {"--random-starts", randomStarts},
                    {"--curve", curve}, {"--max-pixels", maxPixels}}) {
                if (o[1] != null) {
                    throw BadInputException.of("%s does not apply to --method hopskipjump (budget: --max-queries, "
                            + "--steps)", o[0]);
                }
            }
            HopSkipJump.Builder hb = HopSkipJump.builder().norm(n).valueRange(range).targets(t)
                    .maxQueries(maxQueries == null ? 1000 : Math.toIntExact(Math.min(maxQueries, 10_000_000)));
            if (epsilon != null) {
                hb.epsilon(epsilon);
            }
            if (steps != null) {
                if (steps <= 0) {
                    throw BadInputException.of("--steps must be >= 1, got %d", steps);
                }
                hb.iterations(steps);
            }
            if (seed != null) {
                hb.seed(seed);
            }
            HopSkipJump hsj = hb.build();
            Matrix[] xy = new Matrix[1];
            int[][] yy = new int[1][];
            data(c, xy, yy, range);
            HopSkipJumpResult hr = hsj.run(c, xy[0], yy[0]);
            finish(hr.evasion(), hr.toReport(), xy[0], c);
            return ExitCode.OK;
        }
        GradientModel gm = m.requireGradients(c, model + " (type " + loaded.type() + ")");
        Matrix[] xy = new Matrix[1];
        int[][] yy = new int[1][];
        data(gm, xy, yy, range);
        Matrix x = xy[0];
        int[] y = yy[0];
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), m.label(), !quiet);
        EvasionResult r;
        if (m == EvasionMethod.JSMA) {
            for (Object[] o : new Object[][] {{"--epsilon", epsilon}, {"--steps", steps}, {"--step-size", stepSize},
                    {"--random-starts", randomStarts}, {"--curve", curve}, {"--max-pixels", maxPixels},
                    {"--max-queries", maxQueries}}) {
                if (o[1] != null) {
                    throw BadInputException.of("%s does not apply to --method jsma (its budget is --gamma)", o[0]);
                }
            }
            JsmaAttack.Builder jb = JsmaAttack.builder().valueRange(range).targets(t);
            if (theta != null) {
                jb.theta(theta);
            }
            if (gamma != null) {
                jb.gamma(gamma);
            }
            if (targetClass != null) {
                jb.targetClass(TargetClass.parse(targetClass));
            }
            if (seed != null) {
                jb.seed(seed);
            }
            JsmaResult jr = jb.build().run(gm, x, y);
            bar.finish();
            finish(jr.evasion(), jr.toReport(), x, gm);
            return ExitCode.OK;
        }
        if (m == EvasionMethod.FEW_PIXEL) {
            for (Object[] o : new Object[][] {{"--epsilon", epsilon}, {"--steps", steps}, {"--step-size", stepSize},
                    {"--random-starts", randomStarts}, {"--curve", curve}}) {
                if (o[1] != null) {
                    throw BadInputException.of("%s does not apply to --method few-pixel (its budget is --max-pixels)",
                            o[0]);
                }
            }
            r = new FewPixelAttack(maxPixels == null ? 20 : maxPixels, range, t).run(gm, x, y);
        } else {
            if (maxPixels != null) {
                throw BadInputException.of("--max-pixels applies to --method few-pixel only");
            }
            if (epsilon == null && curve == null) {
                throw BadInputException.of("--method %s needs --epsilon (or --curve)", m.label());
            }
            if (epsilon != null && curve != null) {
                throw BadInputException.of("give --epsilon or --curve, not both");
            }
            if (curve != null) {
                for (double e : curve) {
                    attackBuilder(m, n, t, range, e).build(); // rejects a bad epsilon before any work
                }
                Matrix xs = x;
                int[] ys = y;
                curvePoints = RobustnessCurve.of(curve, e -> attackBuilder(m, n, t, range, e).build(), gm, xs, ys);
                r = curvePoints.points().get(curvePoints.points().size() - 1).result();
            } else {
                GradientAttack attack = attackBuilder(m, n, t, range, epsilon).build();
                r = attack.run(gm, x, y, (done, total) -> bar.update(done, total, "step " + done + "/" + total));
            }
        }
        bar.finish();
        finish(r, x, gm);
        return ExitCode.OK;
    }

    private RobustnessCurve curvePoints;

    /** Counts what the attack asks of the model; reported as {@code model_queries}. */
    private final QueryCounter counter = new QueryCounter();

    /** Most rows whose word changes are listed (JSON) or printed (first 5). */
    static final int MAX_LISTED_ROWS = 200;

    private int text(TextClassifier tc, Targets t) {
        for (Object[] o : new Object[][] {{"--epsilon", epsilon}, {"--steps", steps}, {"--step-size", stepSize},
                {"--random-starts", randomStarts}, {"--curve", curve}, {"--max-pixels", maxPixels},
                {"--max-queries", maxQueries}, {"--png", png}, {"--seed", seed}, {"--label", label}}) {
            if (o[1] != null) {
                throw BadInputException.of("%s does not apply to --method text (its budget is --max-words; text "
                        + "data are text,label CSV files or built-in text sets)", o[0]);
            }
        }
        WordAttack.Builder b = WordAttack.builder().targets(t);
        if (maxWords != null) {
            b.maxWords(maxWords);
        }
        if (guidance != null) {
            b.guidance(WordGuidance.parse(guidance));
        }
        if (edits != null) {
            b.edits(WordEdits.parse(edits));
        }
        WordAttack attack = b.build();
        TextDataset d = DataSources.loadText(data);
        if (d.size() == 0) {
            throw BadInputException.of("%s has no rows", data);
        }
        int[] y = remapLabels(d.y(), d.classNames(), tc.classNames(), data);
        List<String> texts = d.texts();
        if (limit != null && limit < texts.size()) {
            texts = texts.subList(0, limit);
            y = java.util.Arrays.copyOf(y, limit);
        }
        WordAttackResult r = attack.run(tc, texts, y);
        AttackReport report = r.toReport();
        List<Finding> findings = new ArrayList<>();
        for (Finding f : report.findings()) {
            findings.add(f.withLocation(new org.botsec.core.finding.Location.Artifact(model.toString())));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        int[] clean = r.cleanPredictions();
        int[] adv = r.adversarialPredictions();
        for (int i = 0; i < texts.size() && rows.size() < MAX_LISTED_ROWS; i++) {
            if (clean[i] == y[i] && adv[i] != clean[i]) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("row", i);
                row.put("from", tc.classNames().get(clean[i]));
                row.put("to", tc.classNames().get(adv[i]));
                List<Map<String, Object>> ch = new ArrayList<>();
                for (WordChange c : r.changes().get(i)) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("position", c.position());
                    e.put("original", c.original());
                    e.put("replacement", c.replacement());
                    ch.add(e);
                }
                row.put("changes", ch);
                rows.add(row);
            }
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("attack", report.attack());
            o.put("metrics", report.metrics());
            o.put("findings", findings.stream().map(FindingJson::toMap).toList());
            o.put("settings", report.settings());
            o.put("seed", null);
            o.put("flipped_rows", rows);
            o.put("model_queries", counter.counts().asMap());
            Json.print(out, o);
        } else {
            out.println("attack " + report.attack());
            report.settings().forEach((k, v) -> out.printf(Locale.ROOT, "  %-16s %s%n", k, v));
            Map<String, Double> mm = report.metrics();
            for (String k : List.of("clean_accuracy", "robust_accuracy", "success_rate")) {
                out.printf(Locale.ROOT, "%-18s %.4f%n", k, mm.get(k));
            }
            out.printf(Locale.ROOT, "%-18s %.0f of %.0f texts (%.0f correct before the attack)%n", "flipped",
                    mm.get("flipped"), mm.get("rows"), mm.get("clean_correct"));
            out.printf(Locale.ROOT, "%-18s %.2f per flipped text (%.1f%% of its words), max %.0f%n", "words changed",
                    mm.get("mean_words_changed"), 100 * mm.get("mean_fraction_changed"), mm.get("max_words_changed"));
            out.printf(Locale.ROOT, "%-18s %.1f per text (max %.0f)%n", "model queries", mm.get("mean_queries"),
                    mm.get("max_queries"));
            out.println(PrivacyAttackSupport.queriesLine(counter.counts()));
            for (Map<String, Object> row : rows.subList(0, Math.min(5, rows.size()))) {
                StringBuilder sb = new StringBuilder();
                for (Object o : (List<?>) row.get("changes")) {
                    Map<?, ?> e = (Map<?, ?>) o;
                    String rep = String.valueOf(e.get("replacement"));
                    sb.append(sb.length() == 0 ? "" : ", ").append(e.get("original")).append(" -> ")
                            .append(rep.isEmpty() ? "(deleted)" : rep);
                }
                out.printf(Locale.ROOT, "  row %s (%s -> %s): %s%n", row.get("row"), row.get("from"), row.get("to"), sb);
            }
            for (Finding f : report.findings()) {
                out.println("finding [" + f.severity().name().toLowerCase(Locale.ROOT) + "] " + f.ruleId() + ": "
                        + f.title());
            }
            out.flush();
        }
        double rate = r.metrics().get("success_rate");
        if (maxSuccessRate != null && rate > maxSuccessRate) {
            throw new ThresholdException(String.format(Locale.ROOT,
                    "attack success rate %.4f is above --max-success-rate %s", rate, maxSuccessRate));
        }
        return ExitCode.OK;
    }

    /** Loads --data in the model's feature and class order, keeps --limit rows and checks the value range. */
    private void data(Classifier c, Matrix[] xOut, int[][] yOut, ValueRange range) {
        Dataset d = DataSources.loadNumeric(data, label);
        if (d.size() == 0) {
            throw BadInputException.of("%s has no rows", data);
        }
        Matrix x = alignFeatures(d, c, data);
        int[] y = remapLabels(d.y(), d.classNames(), c.classNames(), data);
        if (limit != null && limit < x.rows()) {
            x = x.selectRows(IntStream.range(0, limit).toArray());
            y = java.util.Arrays.copyOf(y, limit);
        }
        checkRange(x, range, c);
        xOut[0] = x;
        yOut[0] = y;
    }

    private GradientAttack.Builder attackBuilder(EvasionMethod m, Norm n, Targets t, ValueRange range, double eps) {
        GradientAttack.Builder b = m == EvasionMethod.FGSM ? GradientAttack.fgsm() : GradientAttack.pgd();
        b.norm(n).epsilon(eps).targets(t).valueRange(range);
        if (steps != null) {
            if (m == EvasionMethod.FGSM && steps != 1) {
                throw BadInputException.of("--steps does not apply to --method fgsm (one step of size epsilon)");
            }
            b.steps(steps);
        }
        if (stepSize != null) {
            if (m == EvasionMethod.FGSM) {
                throw BadInputException.of("--step-size does not apply to --method fgsm (its step is epsilon)");
            }
            b.stepSize(stepSize);
        }
        if (randomStarts != null) {
            b.randomStarts(randomStarts);
        }
        if (seed != null) {
            b.seed(seed);
        }
        return b;
    }

    private void finish(EvasionResult r, Matrix x, Classifier gm) {
        finish(r, r.toReport(), x, gm);
    }

    private void finish(EvasionResult r, AttackReport report, Matrix x, Classifier gm) {
        int written = png == null ? 0 : writePngs(r, x, gm.classNames(), png);
        List<Finding> findings = new ArrayList<>();
        for (Finding f : report.findings()) {
            findings.add(f.withLocation(new org.botsec.core.finding.Location.Artifact(model.toString())));
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("attack", report.attack());
            out.put("metrics", report.metrics());
            out.put("findings", findings.stream().map(FindingJson::toMap).toList());
            out.put("settings", report.settings());
            out.put("seed", report.seed().isPresent() ? report.seed().getAsLong() : null);
            if (curvePoints != null) {
                List<Map<String, Object>> pts = new ArrayList<>();
                for (RobustnessCurve.Point p : curvePoints.points()) {
                    Map<String, Object> pt = new LinkedHashMap<>();
                    pt.put("epsilon", p.epsilon());
                    pt.put("robust_accuracy", p.robustAccuracy());
                    pt.put("success_rate", p.successRate());
                    pts.add(pt);
                }
                out.put("curve", pts);
            }
            out.put("model_queries", counter.counts().asMap());
            Json.print(spec.commandLine().getOut(), out);
        } else {
            print(report, written);
        }
        double rate = r.metrics().successRate();
        if (maxSuccessRate != null && rate > maxSuccessRate) {
            throw new ThresholdException(String.format(Locale.ROOT,
                    "attack success rate %.4f is above --max-success-rate %s", rate, Numbers.format(maxSuccessRate)));
        }
    }

    private void print(AttackReport report, int written) {
        var out = spec.commandLine().getOut();
        out.println("attack " + report.attack());
        report.settings().forEach((k, v) -> out.printf(Locale.ROOT, "  %-16s %s%n", k,
                v instanceof Number n && !(v instanceof Integer || v instanceof Long) ? Numbers.format(n.doubleValue()) : v));
        report.seed().ifPresent(s -> out.printf(Locale.ROOT, "  %-16s %d%n", "seed", s));
        Map<String, Double> m = report.metrics();
        for (String k : List.of("clean_accuracy", "robust_accuracy", "success_rate")) {
            out.printf(Locale.ROOT, "%-18s %.4f%n", k, m.get(k));
        }
        out.printf(Locale.ROOT, "%-18s %.0f of %.0f rows (%.0f correct before the attack)%n", "flipped",
                m.get("flipped"), m.get("rows"), m.get("clean_correct"));
        out.printf(Locale.ROOT, "%-18s L0 %.2f (max %.0f)  L2 %.4f (max %.4f)  Linf %.4f (max %.4f)%n",
                "mean perturbation", m.get("mean_l0"), m.get("max_l0"), m.get("mean_l2"), m.get("max_l2"),
                m.get("mean_linf"), m.get("max_linf"));
        if (m.containsKey("budget_exhausted_rows")) {
            out.printf(Locale.ROOT, "%-18s %.0f rows stopped by the query budget; median distance found %s%n",
                    "budget", m.get("budget_exhausted_rows"), m.containsKey("median_distance")
                            ? String.format(Locale.ROOT, "%.4f", m.get("median_distance")) : "none");
        }
        if (m.containsKey("targeted_success_rate")) {
            out.printf(Locale.ROOT, "%-18s %.4f (rows whose prediction became the target class)%n",
                    "targeted_success", m.get("targeted_success_rate"));
        }
        if (report.attack().endsWith("few-pixel") || report.attack().endsWith("jsma")) {
            out.printf(Locale.ROOT, "%-18s %.2f features changed per flipped row%n", "pixels to flip",
                    m.get("mean_l0_flipped"));
        }
        out.printf(Locale.ROOT, "%-18s %.1f per row (max %.0f)%n", "model queries", m.get("mean_queries"),
                m.get("max_queries"));
        out.println(PrivacyAttackSupport.queriesLine(counter.counts()));
        for (Finding f : report.findings()) {
            out.println("finding [" + f.severity().name().toLowerCase(Locale.ROOT) + "] " + f.ruleId() + ": "
                    + f.title());
        }
        if (curvePoints != null) {
            out.println("robustness curve (epsilon, robust_accuracy, success_rate):");
            for (RobustnessCurve.Point p : curvePoints.points()) {
                out.printf(Locale.ROOT, "  %-10s %.4f  %.4f%n", p.epsilon(), p.robustAccuracy(), p.successRate());
            }
        }
        if (png != null) {
            out.println("wrote " + written + " PNG files to " + png);
        }
        out.flush();
    }

    static ValueRange parseRange(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("none")) {
            return ValueRange.UNBOUNDED;
        }
        int c = v.indexOf(':');
        try {
            if (c > 0) {
                return new ValueRange(Double.parseDouble(v.substring(0, c)), Double.parseDouble(v.substring(c + 1)));
            }
        } catch (NumberFormatException e) {
            // falls through to the one error below
        }
        throw BadInputException.of("--value-range must be MIN:MAX with MIN < MAX, or none; got '%s'",
                v.length() > 40 ? v.substring(0, 40) + "..." : v);
    }

    private static void checkRange(Matrix x, ValueRange range, Classifier c) {
        double[] a = x.data();
        int d = x.cols();
        for (int k = 0; k < a.length; k++) {
            if (!(a[k] >= range.min() && a[k] <= range.max())) {
                throw BadInputException.of("row %d feature %s = %s is outside the model's value range %s "
                        + "(set --value-range MIN:MAX, or none for unbounded features)", k / d,
                        c.featureNames().get(k % d), a[k], range);
            }
        }
    }

    /** The data's features in the model's feature order (same names, any order). */
    private static Matrix alignFeatures(Dataset data, Classifier model, String source) {
        List<String> want = model.featureNames();
        List<String> have = data.featureNames();
        if (want.equals(have)) {
            return data.x();
        }
        if (want.size() != have.size()) {
            throw BadInputException.of("model expects %d features but %s has %d", want.size(), source, have.size());
        }
        Map<String, Integer> at = new HashMap<>();
        for (int j = 0; j < have.size(); j++) {
            at.put(have.get(j), j);
        }
        Matrix x = data.x();
        Matrix out = new Matrix(x.rows(), want.size());
        for (int j = 0; j < want.size(); j++) {
            Integer i = at.get(want.get(j));
            if (i == null) {
                throw BadInputException.of("the model's feature '%s' is not a column of %s", want.get(j), source);
            }
            for (int r = 0; r < x.rows(); r++) {
                out.set(r, j, x.get(r, i));
            }
        }
        return out;
    }

    private static int[] remapLabels(int[] y, List<String> dataClasses, List<String> modelClasses, String source) {
        int[] map = new int[dataClasses.size()];
        for (int c = 0; c < map.length; c++) {
            map[c] = modelClasses.indexOf(dataClasses.get(c));
            if (map[c] < 0) {
                throw BadInputException.of("label '%s' in %s is not a class of the model (classes: %s)",
                        dataClasses.get(c), source, String.join(", ", modelClasses));
            }
        }
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = map[y[i]];
        }
        return out;
    }

    /**
     * One PNG per row (at most {@value #MAX_PNG_FILES}): clean, adversarial and |difference| (scaled to its row's
     * largest change) side by side, named {@code row-00012-7-to-3.png} (true class, adversarial prediction).
     */
    private static int writePngs(EvasionResult r, Matrix x, List<String> classes, Path dir) {
        int d = x.cols();
        int side = (int) Math.round(Math.sqrt(d));
        if (side * side != d) {
            throw BadInputException.of("--png needs square grey images, but the model has %d features", d);
        }
        int scale = Math.max(1, 112 / side);
        Matrix adv = r.adversarial();
        int[] y = r.labels();
        int[] p = r.adversarialPredictions();
        int n = Math.min(x.rows(), MAX_PNG_FILES);
        for (int i = 0; i < n; i++) {
            double maxDelta = 0;
            for (int j = 0; j < d; j++) {
                maxDelta = Math.max(maxDelta, Math.abs(adv.get(i, j) - x.get(i, j)));
            }
            BufferedImage img = new BufferedImage(3 * side * scale + 2 * scale, side * scale,
                    BufferedImage.TYPE_INT_RGB);
            for (int j = 0; j < d; j++) {
                int row = j / side;
                int col = j % side;
                int[] values = {grey(x.get(i, j)), grey(adv.get(i, j)),
                        maxDelta == 0 ? 0 : grey(Math.abs(adv.get(i, j) - x.get(i, j)) / maxDelta)};
                for (int panel = 0; panel < 3; panel++) {
                    int rgb = values[panel] * 0x010101;
                    if (panel == 2) {
                        rgb = values[panel] << 16; // the change in red
                    }
                    for (int a = 0; a < scale; a++) {
                        for (int b = 0; b < scale; b++) {
                            img.setRGB(panel * (side + 1) * scale + col * scale + b, row * scale + a, rgb);
                        }
                    }
                }
            }
            String name = String.format(Locale.ROOT, "row-%05d-%s-to-%s.png", i, safe(classes.get(y[i])),
                    safe(classes.get(p[i])));
            try {
                ImageIO.write(img, "png", dir.resolve(name).toFile());
            } catch (IOException e) {
                throw BadInputException.of("cannot write %s: %s", dir.resolve(name), e.getMessage());
            }
        }
        return n;
    }

    private static int grey(double v) {
        return (int) Math.round(255 * Math.min(1, Math.max(0, v)));
    }

    private static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9_-]", "_");
        return t.length() > 20 ? t.substring(0, 20) : t;
    }
}
