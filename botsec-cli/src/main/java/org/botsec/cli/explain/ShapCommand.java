package org.botsec.cli.explain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Model;
import org.botsec.explain.Background;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureWeight;
import org.botsec.explain.Link;
import org.botsec.explain.ShapExplainer;
import org.botsec.explain.ShapMethod;
import org.botsec.explain.render.HtmlRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec explain shap}: SHAP values of rows against a background. */
@Command(name = "shap", mixinStandardHelpOptions = true, sortOptions = false,
        description = "SHAP values of a numeric model's output for rows of --data against --background.",
        footer = {"", "Example:",
                "  botsec explain shap --model cancer.safetensors --background bg.csv \\",
                "      --data rows.csv --rows 0,1 --method exact --json"})
public final class ShapCommand implements Callable<Integer> {
    /** Most rows explained in one call. */
    static final int MAX_ROWS = 10_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @Option(names = "--background", required = true, paramLabel = "DATA", description = "Background rows: CSV or builtin:NAME[:split].")
    String background;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "Rows to explain: CSV or builtin:NAME[:split].")
    String data;

    @Option(names = "--rows", split = ",", paramLabel = "I", description = "Rows of --data to explain (default: 0).")
    List<Integer> rows;

    @Option(names = "--method", defaultValue = "kernel", paramLabel = "kernel|exact|linear", description = "kernel (default), exact (≤ 20 features) or linear (linear models, on the logit).")
    String method;

    @Option(names = "--nsamples", paramLabel = "N", description = "Kernel SHAP coalitions (default 2M + 2048).")
    Integer nsamples;

    @Option(names = "--l1-num-features", paramLabel = "K", description = "Kernel SHAP: keep only the first K features chosen by least-angle regression (shap's l1_reg=\"num_features(K)\"); default: all.")
    Integer l1NumFeatures;

    @Option(names = "--label", paramLabel = "L", description = "Class whose probability is explained (default: 1 for two classes, else 0).")
    String label;

    @Option(names = "--link", defaultValue = "identity", paramLabel = "identity|logit", description = "Scale the values add up on (kernel and exact).")
    String link;

    @Option(names = "--kmeans", paramLabel = "K", description = "Summarise the background by weighted k-means with K centres.")
    Integer kmeans;

    @Option(names = "--sample", paramLabel = "K", description = "Summarise the background by K random rows.")
    Integer sample;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: random, printed).")
    Long seed;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML page (waterfall and bar charts).")
    Path html;

    @Option(names = "--json", description = "Print one JSON document {\"base_value\", \"rows\": [{\"row\", \"prediction\", \"values\"}], \"feature_names\"}.")
    boolean json;

    /** One explained row. */
    record Row(int row, double prediction, double[] values) {
    }

    /** The JSON document. */
    record Result(String method, String label, String link, double baseValue, List<Row> rows,
            List<String> featureNames, Long seed) {
    }

    /** Whether the result depends on the seed: Kernel SHAP samples coalitions; --kmeans and --sample pick rows. */
    private boolean usesSeed(ShapMethod m) {
        return m == ShapMethod.KERNEL || kmeans != null || sample != null;
    }

    /** Feature indices by decreasing |value|; ties keep the model's feature order, so the listing is stable. */
    static int[] byMagnitude(double[] values) {
        return java.util.stream.IntStream.range(0, values.length).boxed()
                .sorted(java.util.Comparator.comparingDouble((Integer j) -> -Math.abs(values[j]))
                        .thenComparingInt(j -> j))
                .mapToInt(Integer::intValue).toArray();
    }

    @Override
    public Integer call() {
        if (html != null) {
            org.botsec.core.files.SafeFiles.checkOutputFile(html, "--html");
        }
        ShapMethod m = switch (method.toLowerCase(Locale.ROOT)) {
            case "kernel" -> ShapMethod.KERNEL;
            case "exact" -> ShapMethod.EXACT;
            case "linear" -> ShapMethod.LINEAR;
            default -> throw BadInputException.of("--method must be kernel, exact or linear, got '%s'",
                    ExplainSupport.excerpt(method));
        };
        Link l = switch (link.toLowerCase(Locale.ROOT)) {
            case "identity" -> Link.IDENTITY;
            case "logit" -> Link.LOGIT;
            default -> throw BadInputException.of("--link must be identity or logit, got '%s'",
                    ExplainSupport.excerpt(link));
        };
        if (kmeans != null && sample != null) {
            throw BadInputException.of("give at most one of --kmeans and --sample");
        }
        Model loaded = ExplainSupport.loadModel(model);
        if (!(loaded instanceof Classifier c)) {
            throw BadInputException.of("model %s (type %s) is not a numeric classifier; use lime-text for text models",
                    model, loaded.type());
        }
        List<String> bgCols = ExplainSupport.columns(background);
        List<String> dataCols = ExplainSupport.columns(data);
        if (!new HashSet<>(bgCols).equals(new HashSet<>(dataCols))) {
            throw BadInputException.of("background and data have different columns: %s vs %s",
                    ExplainSupport.abbreviate(bgCols), ExplainSupport.abbreviate(dataCols));
        }
        if (m == ShapMethod.EXACT && c.numFeatures() > ShapExplainer.MAX_EXACT_FEATURES) {
            throw BadInputException.of("--method exact enumerates 2^M coalitions; the model has %d features, above "
                    + "the limit of %d: use --method kernel", c.numFeatures(), ShapExplainer.MAX_EXACT_FEATURES);
        }
        Matrix bg = ExplainSupport.features(background, c.featureNames(), "background");
        Matrix x = ExplainSupport.features(data, c.featureNames(), "data");
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
        Background b = kmeans != null ? Background.kmeans(bg, kmeans, s)
                : sample != null ? Background.sample(bg, sample, s) : Background.of(bg);
        List<Integer> which = rows == null ? List.of(0) : rows;
        if (which.size() > MAX_ROWS) {
            throw BadInputException.of("--rows lists %d rows; at most %d per call", which.size(), MAX_ROWS);
        }
        int[] idx = new int[which.size()];
        for (int i = 0; i < idx.length; i++) {
            int r = which.get(i);
            if (r < 0 || r >= x.rows()) {
                throw BadInputException.of("--rows: row %d is out of range, %s has %d rows", r, data, x.rows());
            }
            idx[i] = r;
        }
        ShapExplainer.Builder builder = ShapExplainer.builder().method(m).background(b).link(l).seed(s);
        if (c instanceof LinearModel lm) {
            builder.linearModel(lm);
        } else if (m == ShapMethod.LINEAR) {
            throw BadInputException.of("--method linear needs a linear model; %s is of type %s: use --method kernel",
                    model, loaded.type());
        } else {
            builder.model(c);
        }
        if (label != null) {
            builder.label(ExplainSupport.label(label, c.classNames(), 0));
        }
        if (nsamples != null) {
            builder.nsamples(nsamples);
        }
        if (l1NumFeatures != null) {
            builder.l1NumFeatures(l1NumFeatures);
        }
        ShapExplainer ex = builder.build();
        List<Explanation> es = ex.explainRows(x.selectRows(idx));
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < es.size(); i++) {
            Explanation e = es.get(i);
            out.add(new Row(idx[i], e.prediction(),
                    e.weights().stream().mapToDouble(FeatureWeight::weight).toArray()));
        }
        if (html != null) {
            HtmlRenderer.write(es, "SHAP values", html);
        }
        Explanation first = es.get(0);
        Result result = new Result(m.name().toLowerCase(Locale.ROOT), first.labelName(),
                m == ShapMethod.LINEAR ? "margin" : l.name().toLowerCase(Locale.ROOT), first.intercept(), out,
                ex.featureNames(), usesSeed(m) ? s : null);
        var w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, result);
        } else {
            w.printf(Locale.ROOT, "%s SHAP values of class '%s' (%s scale), base value %.6f%n",
                    result.method(), result.label(), result.link(), result.baseValue());
            w.println(result.seed() == null ? "seed: none (this method is deterministic)"
                    : "seed " + result.seed() + " (replay with --seed " + result.seed() + ")");
            for (Row r : out) {
                w.printf(Locale.ROOT, "row %d: prediction %.6f (features by |SHAP value|, largest first)%n", r.row(),
                        r.prediction());
                for (int j : byMagnitude(r.values())) {
                    w.printf(Locale.ROOT, "  %+.6f  %s%n", r.values()[j], ex.featureNames().get(j));
                }
            }
            w.flush();
        }
        return ExitCode.OK;
    }
}
