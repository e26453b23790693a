package org.botsec.explain.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.Background;
import org.botsec.explain.Explanation;
import org.botsec.explain.LimeImageExplainer;
import org.botsec.explain.LimeTextExplainer;
import org.botsec.explain.ShapExplainer;
import org.botsec.explain.ShapMethod;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlRendererTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** A toy sentiment model: P(positive) = sigmoid(2·[awesome] − 0.4·[was] − 0.2). */
    static Matrix sentiment(List<String> texts) {
        Matrix out = new Matrix(texts.size(), 2);
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i).toLowerCase(java.util.Locale.ROOT);
            double z = -0.2 + (t.contains("awesome") ? 2 : 0) - (t.contains("was") ? 0.4 : 0)
                    + (t.contains("<b>") ? 0.3 : 0);
            double p = 1 / (1 + Math.exp(-z));
            out.set(i, 0, 1 - p);
            out.set(i, 1, p);
        }
        return out;
    }

    static Explanation text() {
        return LimeTextExplainer.builder().classNames("Negative", "Positive").seed(0).build()
                .explainInstance("The movie was awesome! <b>bold</b> & \"quoted\"", HtmlRendererTest::sentiment, 10);
    }

    static List<Explanation> shap() {
        Matrix bg = new Matrix(20, 4);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < bg.data().length; i++) {
            bg.data()[i] = r.nextGaussian();
        }
        ShapExplainer ex = ShapExplainer.builder().method(ShapMethod.EXACT).background(Background.of(bg))
                .linearModel(new double[][] {{1.0, -2.0, 0.5, 0.0}}, new double[] {0.1})
                .featureNames(List.of("age", "income <script>", "tenure", "zero")).build();
        return ex.explainRows(bg.selectRows(new int[] {0, 1, 2}));
    }

    static Explanation image() {
        double[] px = new double[64];
        for (int i = 0; i < 64; i++) {
            px[i] = (i % 8 > 2 && i % 8 < 6) ? 1.0 : 0.0;
        }
        return LimeImageExplainer.builder().shape(8, 8, 1).fillValue(0).seed(2).build().explainInstance(px, x -> {
            Matrix out = new Matrix(x.rows(), 2);
            for (int i = 0; i < x.rows(); i++) {
                double s = 0;
                for (int j = 0; j < 32; j++) {
                    s += x.get(i, j);
                }
                out.set(i, 1, s / 32);
                out.set(i, 0, 1 - s / 32);
            }
            return out;
        }, 5, 500, 1);
    }

    /**
     * The page shown in docs/img: LIME on core's TF-IDF pipeline trained on sentiment_sentences, exact SHAP of
     * the golden breast-cancer model, LIME image on a digits8x8 logistic regression.
     */
    static List<Explanation> realistic() {
        org.botsec.core.model.TextPipeline pipeline = org.botsec.core.model.TextPipeline.fit(
                org.botsec.core.data.Builtins.loadText("sentiment_sentences", org.botsec.core.data.Split.ALL),
                org.botsec.core.model.LogisticRegression.builder().build());
        List<Explanation> es = new ArrayList<>();
        es.add(LimeTextExplainer.builder().classNames("Negative", "Positive").seed(0).build()
                .explainInstance("The movie was awesome!", pipeline::predictProba, 10));
        org.botsec.explain.ShapGoldenAccess g = new org.botsec.explain.ShapGoldenAccess();
        es.add(ShapExplainer.builder().method(ShapMethod.EXACT).model(g.classifier()).background(g.background())
                .build().explain(g.row(0)));
        org.botsec.core.data.Dataset digits = org.botsec.core.data.Builtins.load("digits8x8",
                org.botsec.core.data.Split.TRAIN);
        org.botsec.core.model.LinearModel m = org.botsec.core.model.LogisticRegression.builder().maxIterations(100)
                .build().fit(digits);
        double[] px = org.botsec.core.data.Builtins.load("digits8x8", org.botsec.core.data.Split.TEST).x().row(0);
        int predicted = 0;
        Matrix p = m.predictProba(new Matrix(1, 64, px.clone()));
        for (int k = 1; k < p.cols(); k++) {
            predicted = p.get(0, k) > p.get(0, predicted) ? k : predicted;
        }
        es.add(LimeImageExplainer.builder().shape(8, 8, 1).classNames(m.classNames()).seed(0).build()
                .explainInstance(px, m::predictProba, 5, 1000, predicted));
        return es;
    }

    static List<Explanation> all() {
        List<Explanation> es = new ArrayList<>();
        es.add(text());
        es.add(shap().get(0));
        es.add(image());
        return es;
    }

    @Test
    void pageIsSelfContainedAndEscapesUserText() {
        String html = HtmlRenderer.render(all(), "Explanations <test>");
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<script"), "no scripts, and user text '<script>' is escaped");
        assertFalse(html.contains("http://") || html.contains("https://"), "no network resources");
        assertFalse(html.contains("@import") || html.contains("url("), "no external CSS resources");
        assertTrue(html.contains("&amp; &quot;"), "separators escaped");
        assertFalse(html.contains("<b>bold"), "user markup is not interpreted");
        assertTrue(html.contains("income &lt;script&gt;"));
        assertTrue(html.contains("data:image/png;base64,"));
        assertTrue(html.contains("aria-label=\"SHAP waterfall\""));
        // highlighted words carry the weight as a title
        assertTrue(html.contains("<span class=\"w\""));
    }

    @Test
    void jsonHasTheDocumentedKeys() throws IOException {
        Explanation e = text();
        JsonNode n = new ObjectMapper().readTree(JsonRenderer.render(e));
        assertEquals("Positive", n.get("label").asText());
        assertEquals(1, n.get("label_index").asInt());
        assertEquals(e.weights().size(), n.get("weights").size());
        assertEquals(e.weights().get(0).feature(), n.get("weights").get(0).get("feature").asText());
        assertEquals(e.score(), n.get("score").asDouble(), 0);
        assertEquals(0L, n.get("seed").asLong());
        JsonNode s = new ObjectMapper().readTree(JsonRenderer.render(shap().get(0)));
        assertTrue(s.get("score").isNull(), "SHAP has no fit score");
        assertTrue(s.get("seed").isNull(), "exact SHAP is not random");
    }

    /**
     * Renders a page in headless Chromium (Debian package {@code chromium}) and fails on any console message
     * (errors from the page would show up as CONSOLE lines on stderr with --enable-logging=stderr).
     */
    @Test
    void rendersInHeadlessChromiumWithoutConsoleErrors(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "chromium is not installed (/usr/bin/chromium): skipping the headless render check");
        Path page = dir.resolve("explanation.html");
        HtmlRenderer.write(realistic(), "BotSec explanations", page);
        Path png = dir.resolve("screenshot.png");
        ProcessBuilder pb = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("profile"), "--enable-logging=stderr", "--v=0",
                "--window-size=1100,2300", "--screenshot=" + png, page.toUri().toString());
        pb.redirectErrorStream(true);
        Path log = dir.resolve("chromium.log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "chromium did not finish in 120 s");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        List<String> console = out.lines().filter(l -> l.contains(":CONSOLE")).toList();
        assertTrue(console.isEmpty(), "console messages: " + console);
        assertTrue(Files.size(png) > 10_000, "screenshot written: " + Files.size(png) + " bytes");
        String keep = System.getProperty("botsec.screenshot");
        if (keep != null) {
            Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(page, Path.of(keep.replace(".png", ".html")), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
