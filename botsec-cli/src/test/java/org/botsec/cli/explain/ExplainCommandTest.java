package org.botsec.cli.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.botsec.cli.Botsec;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextPipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explain commands end to end. SHAP numbers are checked against golden/shap_case_exact.csv (numpy brute
 * force over all 2^10 coalitions for scikit-learn's logistic regression in shap_case_model.json, see the
 * project's golden/README.md); the model file is built from those coefficients.
 */
class ExplainCommandTest {
    @TempDir
    static Path dir;
    static Path linearModel;
    static Path wideModel;
    static Path textModel;
    static Path digitsModel;
    static Path background;
    static Path rows;

    // First 10 standardised breast-cancer features; coefficients from shap_case_model.json.
    static final double[] COEF = {-0.9975898479799454, -1.3991389021626912, -0.9123911658507381,
            -1.2976048610268462, -0.974522154136018, 0.2935403090173662, -1.0579495902315355,
            -1.5871115477686646, -0.4279980083214275, 0.4020513642227811};
    static final double INTERCEPT = 0.594251222419564;
    // shap_case_exact.csv row 0
    static final double[] PHI_ROW0 = {-0.044774232981817305, 0.11530035847064869, -0.04619312826837807,
            -0.054869392075581308, -0.040336769723915408, 0.032439221932762385, -0.099422171098003526,
            -0.14215236862245098, -0.030356648125284137, 0.029099838054187501};

    @BeforeAll
    static void setUp() throws IOException {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < 10; j++) {
            names.add("f" + j);
        }
        linearModel = dir.resolve("linear.safetensors");
        ModelFiles.save(LinearModel.of(new double[][] {COEF}, new double[] {INTERCEPT}, List.of("malignant", "benign"),
                names), linearModel);
        List<String> wide = new ArrayList<>();
        for (int j = 0; j < 21; j++) {
            wide.add("f" + j);
        }
        wideModel = dir.resolve("wide.safetensors");
        ModelFiles.save(LinearModel.of(new double[][] {new double[21]}, new double[] {0}, List.of("a", "b"), wide), wideModel);
        textModel = dir.resolve("text.safetensors");
        ModelFiles.save(TextPipeline.fit(Builtins.loadText("sentiment_sentences", Split.ALL),
                LogisticRegression.builder().build()), textModel);
        digitsModel = dir.resolve("digits.safetensors");
        ModelFiles.save(LogisticRegression.builder().maxIterations(50).build()
                .fit(Builtins.load("digits8x8", Split.TRAIN)), digitsModel);
        // background = golden rows 0..49, explained row = golden row 0 (copied from shap_case.csv)
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(ExplainCommandTest.class.getResource("shap_case.csv").toURI()));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder bg = new StringBuilder(String.join(",", names) + ",target\n");
        for (int i = 1; i <= 50; i++) {
            String[] f = lines.get(i).split(",");
            bg.append(String.join(",", java.util.Arrays.copyOfRange(f, 1, 12))).append('\n');
        }
        background = dir.resolve("bg.csv");
        Files.writeString(background, bg);
        rows = dir.resolve("rows.csv");
        String[] r0 = lines.get(1).split(",");
        Files.writeString(rows, String.join(",", names) + ",target\n"
                + String.join(",", java.util.Arrays.copyOfRange(r0, 1, 12)) + "\n");
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Botsec.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shapExactMatchesGoldenAndWritesHtml() throws IOException {
        Path html = dir.resolve("shap.html");
        Run r = run("explain", "shap", "--model", linearModel.toString(), "--background", background.toString(),
                "--data", rows.toString(), "--rows", "0", "--method", "exact", "--html", html.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(0.28183600972806749, n.get("base_value").asDouble(), 1e-12);
        JsonNode values = n.get("rows").get(0).get("values");
        for (int j = 0; j < 10; j++) {
            assertEquals(PHI_ROW0[j], values.get(j).asDouble(), 1e-9);
        }
        assertEquals(0.00057071729023516369, n.get("rows").get(0).get("prediction").asDouble(), 1e-12);
        assertEquals("f0", n.get("feature_names").get(0).asText());
        assertTrue(Files.readString(html).contains("SHAP waterfall"));
    }

    @Test
    void shapKernelAndLinear() throws IOException {
        Run k = run("explain", "shap", "--model", linearModel.toString(), "--background", background.toString(),
                "--data", rows.toString(), "--nsamples", "2048", "--seed", "1", "--json");
        assertEquals(0, k.code(), k.err());
        JsonNode kv = new ObjectMapper().readTree(k.out()).get("rows").get(0).get("values");
        for (int j = 0; j < 10; j++) {
            assertEquals(PHI_ROW0[j], kv.get(j).asDouble(), 1e-8);
        }
        Run l = run("explain", "shap", "--model", linearModel.toString(), "--background", background.toString(),
                "--data", rows.toString(), "--method", "linear", "--json");
        assertEquals(0, l.code(), l.err());
        JsonNode ln = new ObjectMapper().readTree(l.out());
        double sum = ln.get("base_value").asDouble();
        for (JsonNode v : ln.get("rows").get(0).get("values")) {
            sum += v.asDouble();
        }
        double p = 0.00057071729023516369;
        assertEquals(Math.log(p / (1 - p)), sum, 1e-9, "linear SHAP adds up to the logit");
        Run human = run("explain", "shap", "--model", linearModel.toString(), "--background", background.toString(),
                "--data", rows.toString(), "--method", "exact");
        assertEquals(0, human.code());
        assertTrue(human.out().contains("base value 0.281836"), human.out());
        assertTrue(human.out().contains("seed: none (this method is deterministic)"), human.out());
        // the text listing is sorted by |value|, largest first: the golden values in that order
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < 10; j++) {
            order.add(j);
        }
        order.sort((a, b) -> Double.compare(Math.abs(PHI_ROW0[b]), Math.abs(PHI_ROW0[a])));
        List<String> listed = human.out().lines().filter(line -> line.startsWith("  ")).map(line -> line.strip().split("\\s+")[1])
                .toList();
        assertEquals(order.stream().map(j -> "f" + j).toList(), listed, human.out());
    }

    /** Without --seed, kernel SHAP prints the seed it drew, and that seed replays the same values. */
    @Test
    void shapTextPrintsTheSeedItUsed() {
        Run first = run("explain", "shap", "--model", linearModel.toString(), "--background", background.toString(),
                "--data", rows.toString(), "--nsamples", "64");
        assertEquals(0, first.code(), first.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("seed (-?\\d+) \\(replay with --seed \\1\\)")
                .matcher(first.out());
        assertTrue(m.find(), first.out());
        Run again = run("explain", "shap", "--model", linearModel.toString(), "--background", background.toString(),
                "--data", rows.toString(), "--nsamples", "64", "--seed", m.group(1));
        assertEquals(first.out(), again.out());
    }

    @Test
    void limeTextGivesDocumentedJson() throws IOException {
        Path html = dir.resolve("lime.html");
        Run r = run("explain", "lime-text", "--model", textModel.toString(), "--text", "The movie was awesome!",
                "--seed", "0", "--html", html.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals("positive", n.get("label").asText());
        assertEquals("awesome", n.get("weights").get(0).get("feature").asText());
        // lime (golden/lime_text_case.json) gives 0.4006 for seed 0 with sd 0.0012 across seeds
        assertEquals(0.4016, n.get("weights").get(0).get("weight").asDouble(), 0.006);
        for (String key : List.of("intercept", "score", "local_prediction", "prediction")) {
            assertTrue(n.get(key).isNumber(), key);
        }
        assertEquals(0.7521, n.get("prediction").asDouble(), 1e-3);
        assertTrue(Files.readString(html).contains("awesome"));
    }

    @Test
    void limeTabularAndImage() throws IOException {
        Run t = run("explain", "lime-tabular", "--model", linearModel.toString(), "--data", background.toString(),
                "--row", "3", "--seed", "2", "--num-samples", "2000", "--json");
        assertEquals(0, t.code(), t.err());
        JsonNode tn = new ObjectMapper().readTree(t.out());
        assertEquals(10, tn.get("weights").size());
        Path png = dir.resolve("digit.png");
        Run i = run("explain", "lime-image", "--model", digitsModel.toString(), "--data", "builtin:digits8x8:test",
                "--row", "0", "--seed", "1", "--num-samples", "300", "--png", png.toString(), "--json");
        assertEquals(0, i.code(), i.err());
        assertTrue(Files.size(png) > 100);
        assertTrue(new ObjectMapper().readTree(i.out()).get("weights").get(0).get("feature").asText()
                .startsWith("segment "));
    }

    /** A 28×28 image (as MNIST / Fashion-MNIST rows) through a 784-feature linear model file. */
    @Test
    void limeImageOn28x28() throws IOException {
        List<String> pixels = new ArrayList<>();
        double[][] coef = new double[1][784];
        StringBuilder header = new StringBuilder();
        StringBuilder row = new StringBuilder();
        for (int p = 0; p < 784; p++) {
            pixels.add("p" + p);
            int y = p / 28;
            int x = p % 28;
            coef[0][p] = (y < 14 && x < 14) ? 0.05 : 0.0; // the top-left quadrant drives class "b"
            header.append(p == 0 ? "" : ",").append("p").append(p);
            row.append(p == 0 ? "" : ",").append(Math.abs(y - 14) + Math.abs(x - 14) < 8 ? "1" : "0");
        }
        Path model = dir.resolve("img28.safetensors");
        ModelFiles.save(LinearModel.of(coef, new double[] {-0.5}, List.of("a", "b"), pixels), model);
        Path csv = dir.resolve("img28.csv");
        Files.writeString(csv, header + "\n" + row + "\n");
        Path html = dir.resolve("img28.html");
        Run r = run("explain", "lime-image", "--model", model.toString(), "--data", csv.toString(), "--label", "b",
                "--hide", "0", "--seed", "4", "--num-samples", "500", "--html", html.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals("b", n.get("label").asText());
        assertTrue(n.get("weights").get(0).get("weight").asDouble() > 0, "the strongest superpixel supports b");
        assertTrue(Files.readString(html).contains("data:image/png;base64,"));
        assertBad(run("explain", "lime-image", "--model", model.toString(), "--data", csv.toString(), "--shape",
                "8x8"), "expects 784");
    }

    /** --segmentation quickshift end to end; lime's defaults leave an 8×8 digit in one segment. */
    @Test
    void limeImageWithQuickshift() throws IOException {
        Path png = dir.resolve("digit-qs.png");
        Run q = run("explain", "lime-image", "--model", digitsModel.toString(), "--data", "builtin:digits8x8:test",
                "--row", "0", "--seed", "1", "--num-samples", "300", "--segmentation", "quickshift", "--kernel-size",
                "1", "--max-dist", "3", "--ratio", "1", "--png", png.toString(), "--json");
        assertEquals(0, q.code(), q.err());
        assertTrue(Files.size(png) > 100);
        JsonNode n = new ObjectMapper().readTree(q.out());
        assertEquals(5, n.get("weights").size(), "at least 5 segments with a small kernel");
        assertEquals(q.out(), run("explain", "lime-image", "--model", digitsModel.toString(), "--data",
                "builtin:digits8x8:test", "--row", "0", "--seed", "1", "--num-samples", "300", "--segmentation",
                "QuickShift", "--kernel-size", "1", "--max-dist", "3", "--ratio", "1", "--png", png.toString(),
                "--json").out(), "the seed fixes segments and samples");
        Run lime = run("explain", "lime-image", "--model", digitsModel.toString(), "--data", "builtin:digits8x8:test",
                "--row", "0", "--seed", "1", "--num-samples", "100", "--segmentation", "quickshift", "--json");
        assertEquals(0, lime.code(), lime.err());
        // lime's kernel size 4 searches ±12 pixels, beyond the 8×8 image: one segment, as scikit-image 0.19.3's
        // quickshift(gray2rgb(x), kernel_size=4, max_dist=200, ratio=0.2) gives for all 1,797 digits8x8 images
        assertEquals(1, new ObjectMapper().readTree(lime.out()).get("weights").size());
        assertTrue(lime.err().startsWith("WARNING: the segmentation found a single superpixel in this 8x8 image"),
                lime.err());
        assertTrue(lime.err().contains("--kernel-size 2 --max-dist 5 --ratio 1"), lime.err());
        assertTrue(q.err().startsWith("WARNING: every superpixel has a single colour"), q.err());
        Run black = run("explain", "lime-image", "--model", digitsModel.toString(), "--data",
                "builtin:digits8x8:test", "--row", "0", "--seed", "1", "--num-samples", "300", "--segmentation",
                "quickshift", "--kernel-size", "1", "--max-dist", "3", "--ratio", "1", "--hide", "0", "--json");
        assertEquals(0, black.code(), black.err());
        assertEquals("", black.err(), "no warning with several segments and a fill that changes pixels");
        assertTrue(Math.abs(new ObjectMapper().readTree(black.out()).get("weights").get(0).get("weight").asDouble())
                > 0.01, black.out());
    }

    @Test
    void badSegmentationOptionsAreOneLineAndExitTwo() {
        String[] base = {"explain", "lime-image", "--model", digitsModel.toString(), "--data",
            "builtin:digits8x8:test", "--seed", "1", "--num-samples", "50"};
        String[][] cases = {
            {"--segmentation", "felzenszwalb", "--segmentation must be slic or quickshift, got 'felzenszwalb'"},
            {"--segmentation", "quickshift", "--kernel-size", "0.5",
                "--kernel-size must be a number from 1 to 32, got '0.5'"},
            {"--segmentation", "quickshift", "--kernel-size", "33", "got '33'"},
            {"--segmentation", "quickshift", "--kernel-size", "four",
                "--kernel-size must be a number from 1 to 32, got 'four'"},
            {"--segmentation", "quickshift", "--max-dist", "0", "--max-dist must be a number > 0, got '0'"},
            {"--segmentation", "quickshift", "--max-dist", "NaN", "--max-dist must be a number > 0, got 'NaN'"},
            {"--segmentation", "quickshift", "--ratio", "1.5", "--ratio must be a number from 0 to 1, got '1.5'"},
            {"--segmentation", "quickshift", "--ratio", "-0.2", "got '-0.2'"},
            {"--segmentation", "quickshift", "--num-segments", "10", "--num-segments applies to --segmentation slic"},
            {"--kernel-size", "2", "--kernel-size applies to --segmentation quickshift only"},
            {"--segmentation", "slic", "--ratio", "0.5", "--ratio applies to --segmentation quickshift only"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of(base));
            args.addAll(List.of(c).subList(0, c.length - 1));
            assertBad(run(args.toArray(String[]::new)), c[c.length - 1]);
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        assertBad(run("explain", "lime-text", "--model", textModel.toString(), "--text", "?! ...", "--seed", "1"),
                "no words");
        assertBad(run("explain", "lime-text", "--model", textModel.toString(), "--text", "good", "--num-features", "0"),
                "--num-features");
        assertBad(run("explain", "lime-text", "--model", textModel.toString(), "--text", "good", "--label", "7"),
                "--label");
        assertBad(run("explain", "shap", "--model", linearModel.toString(), "--background", background.toString(),
                "--data", dir.resolve("missing.csv").toString()), "not found");
        assertBad(run("explain", "shap", "--model", wideModel.toString(), "--background", background.toString(),
                "--data", background.toString(), "--method", "exact"), "kernel");
        assertBad(run("explain", "lime-image", "--model", digitsModel.toString(), "--data", "builtin:digits8x8:test",
                "--shape", "28x28"), "expects 64");
        assertBad(run("explain", "shap", "--model", linearModel.toString(), "--background", background.toString(),
                "--data", rows.toString(), "--method", "bogus"), "--method");
    }

    @Test
    void backgroundAndDataWithDifferentColumnsAreRejected() throws IOException {
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "a,b\n1,2\n");
        assertBad(run("explain", "shap", "--model", linearModel.toString(), "--background", background.toString(),
                "--data", other.toString()), "different columns");
    }

    private static void assertBad(Run r, String fragment) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }
}
