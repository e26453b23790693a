package org.botsec.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextPipeline;
import org.botsec.explain.render.HtmlRenderer;
import org.botsec.explain.render.JsonRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick-start snippets of docs/explain.md, word for word, so that they keep compiling and working. */
class QuickStartTest {
    @Test
    void limeTextQuickStart(@TempDir Path dir) throws Exception {
        TextPipeline pipeline = TextPipeline.fit(Builtins.loadText("sentiment_sentences", Split.ALL),
                LogisticRegression.builder().build());
        LimeTextExplainer explainer = LimeTextExplainer.builder().classNames("Negative", "Positive").seed(0).build();
        Explanation e = explainer.explainInstance("The movie was awesome!", pipeline::predictProba, 10);
        e.asList();                          // [awesome=0.401, was=-0.081, movie=-0.011, The=0.005]
        String json = JsonRenderer.render(e);
        HtmlRenderer.write(List.of(e), "LIME explanation", dir.resolve("lime.html"));

        assertEquals(List.of("awesome", "was", "movie", "The"), e.asList().stream().map(FeatureWeight::feature).toList());
        assertEquals(0.401, e.asList().get(0).weight(), 0.0015);
        assertTrue(json.contains("\"awesome\""));
        assertTrue(Files.size(dir.resolve("lime.html")) > 1000);
    }

    @Test
    void shapQuickStart() {
        org.botsec.core.data.Dataset data = Builtins.load("breast_cancer", Split.TRAIN);
        Matrix train = data.x();
        LinearModel classifier = LogisticRegression.builder().standardize(true).build().fit(data);
        double[] x = Builtins.load("breast_cancer", Split.TEST).x().row(0);
        Matrix xs = Builtins.load("breast_cancer", Split.TEST).x().selectRows(new int[] {0, 1, 2});

        ShapExplainer shap = ShapExplainer.builder()
                .method(ShapMethod.KERNEL)              // or EXACT (M <= 20), LINEAR (linear models, on the margin)
                .model(classifier)                      // any Classifier; .linearModel(LinearModel) for the fast path
                .background(Background.kmeans(train, 50, 0))   // or Background.of(rows), Background.sample(rows, k, seed)
                .nsamples(2048).seed(0).build();
        Explanation row = shap.explain(x);              // base + Σφ = f(x)
        List<Explanation> rows = shap.explainRows(xs);  // parallel, per-row seeds derived from the seed

        assertEquals(row.prediction(), row.intercept() + row.sumOfWeights(), 1e-9);
        assertEquals(3, rows.size());
    }
}
