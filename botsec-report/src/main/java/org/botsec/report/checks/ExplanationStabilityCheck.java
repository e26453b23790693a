package org.botsec.report.checks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureWeight;
import org.botsec.explain.LimeTabularExplainer;
import org.botsec.explain.LimeTextExplainer;
import org.botsec.report.CheckResult;
import org.botsec.report.Threshold;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * Explanation sanity: LIME (tabular, or text for a text model) explains the predicted class of a random sample of rows twice, with two
 * different seeds; stability is the mean Jaccard overlap of the two top-k feature sets. An explanation that changes
 * with the seed cannot support a decision (Alvarez-Melis and Jaakkola 2018 discuss the robustness of
 * interpretability methods). The most frequent top features of the sample are reported too, so a reviewer sees
 * what the model relies on.
 */
public final class ExplanationStabilityCheck implements AuditCheck {
    public static final String ID = "explanation.stability";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Explanation stability (LIME, two seeds)";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of(
                new AuditConfig.Setting("rows", 10, 2, 200, "rows sampled from the audit data"),
                new AuditConfig.Setting("num_features", 5, 1, 50, "top features compared"),
                new AuditConfig.Setting("num_samples", 5000, 100, 20000, "LIME samples per explanation (lime's default 5000)"),
                new AuditConfig.Setting("min_stability", 0.6, 0, 1, "lowest acceptable mean Jaccard overlap"));
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        int numSamples = s.getInt("num_samples");
        int k = s.getInt("num_features");
        SplittableRandom rnd = new SplittableRandom(ctx.seed());
        List<Explanation[]> pairs = new ArrayList<>();
        String method;
        if (ctx.text().isPresent()) {
            // Text: LIME's text sampler removes words; the features are words (Ribeiro et al. 2016, section 3.3).
            AuditContext.TextInputs t = ctx.text().get();
            int rows = Math.min(s.getInt("rows"), t.data().size());
            int[] pick = rnd.ints(0, t.data().size()).distinct().limit(rows).toArray();
            LimeTextExplainer a = LimeTextExplainer.builder().classNames(t.model().classNames()).seed(ctx.seed())
                    .build();
            LimeTextExplainer b = LimeTextExplainer.builder().classNames(t.model().classNames())
                    .seed(ctx.seed() + 1).build();
            for (int r : pick) {
                String text = t.data().texts().get(r);
                int label = argmax(t.model().predictProba(List.of(text)).row(0));
                pairs.add(new Explanation[] {a.explainInstance(text, t.model()::predictProba, k, numSamples, label),
                        b.explainInstance(text, t.model()::predictProba, k, numSamples, label)});
            }
            method = "LIME text: top-" + k + " words";
        } else {
            Matrix x = ctx.data().x();
            k = Math.min(k, x.cols());
            int rows = Math.min(s.getInt("rows"), x.rows());
            Matrix background = ctx.train().map(t -> t.x()).orElse(x);
            int[] pick = rnd.ints(0, x.rows()).distinct().limit(rows).toArray();
            LimeTabularExplainer a = explainer(ctx, background, ctx.seed());
            LimeTabularExplainer b = explainer(ctx, background, ctx.seed() + 1);
            for (int r : pick) {
                double[] row = x.row(r);
                Matrix one = new Matrix(1, row.length, row.clone());
                int label = argmax(ctx.model().predictProba(one).row(0));
                pairs.add(new Explanation[] {a.explainInstance(row, ctx.model()::predictProba, k, numSamples, label),
                        b.explainInstance(row, ctx.model()::predictProba, k, numSamples, label)});
            }
            method = "LIME tabular: top-" + k + " features";
        }
        double sum = 0;
        double min = 1;
        Map<String, Integer> topCounts = new TreeMap<>();
        for (Explanation[] pair : pairs) {
            Set<String> fa = top(pair[0], k);
            Set<String> fb = top(pair[1], k);
            fa.forEach(f -> topCounts.merge(f, 1, Integer::sum));
            Set<String> inter = new HashSet<>(fa);
            inter.retainAll(fb);
            Set<String> union = new HashSet<>(fa);
            union.addAll(fb);
            double j = union.isEmpty() ? 1 : (double) inter.size() / union.size();
            sum += j;
            min = Math.min(min, j);
        }
        double stability = pairs.isEmpty() ? Double.NaN : sum / pairs.size();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("stability", stability);
        metrics.put("min_stability_of_a_row", min);
        metrics.put("rows", (double) pairs.size());
        List<Map.Entry<String, Integer>> frequent = new ArrayList<>(topCounts.entrySet());
        frequent.sort((p, q) -> q.getValue() - p.getValue());
        // Words are the user's vocabulary, not rows: the most frequent top words are what the model relies on.
        List<String> names = frequent.stream().limit(5).map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
        Threshold t = new Threshold("stability", Threshold.Direction.AT_LEAST, s.get("min_stability"));
        List<Finding> findings = t.passes(stability) ? List.of() : List.of(
                Finding.builder("audit.explanation.unstable", FindingKind.EXPLANATION, Severity.LOW,
                                "Explanations change with the random seed")
                        .description("Raise LIME's sample count or use SHAP before relying on explanations.")
                        .score(new Score(stability, Score.Basis.MEASURED_RATE))
                        .evidence("stability", stability).evidence("num_samples", numSamples).source(ID).build());
        return CheckResult.measured(ID, title(), t, metrics, method + " shared between two seeds, mean over "
                + pairs.size() + " rows. Most frequent top features: " + String.join(", ", names) + ".",
                List.of(), Map.of(), findings);
    }

    private static LimeTabularExplainer explainer(AuditContext ctx, Matrix background, long seed) {
        return LimeTabularExplainer.builder().trainingData(background).featureNames(ctx.model().featureNames())
                .classNames(ctx.model().classNames()).seed(seed).build();
    }

    private static Set<String> top(Explanation e, int k) {
        List<FeatureWeight> w = new ArrayList<>(e.weights());
        w.sort((p, q) -> Double.compare(Math.abs(q.weight()), Math.abs(p.weight())));
        Set<String> out = new HashSet<>();
        for (int i = 0; i < Math.min(k, w.size()); i++) {
            out.add(w.get(i).feature());
        }
        return out;
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
