package org.botsec.cli.core;

import org.botsec.core.io.ModelRegistry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.botsec.cli.CliRun;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Happy paths of train, predict, eval and models, checked against the library and hand-computed values. */
class CoreCommandsTest {
    @TempDir
    static Path dir;

    static Path bcModel;
    static JsonNode bcTrain;

    @BeforeAll
    static void trainBreastCancer() {
        bcModel = dir.resolve("bc.safetensors");
        CliRun r = CliRun.run("train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out",
                bcModel.toString(), "--json", "--quiet");
        assertEquals(0, r.code(), r.toString());
        bcTrain = r.json();
    }

    @Test
    void trainReportsTestMetricsThatEvalAndTheLibraryReproduce() {
        assertEquals("logreg", bcTrain.get("model").asText());
        assertEquals("logistic_regression", bcTrain.get("model_type").asText());
        Dataset test = Builtins.load("breast_cancer", Split.TEST);
        assertEquals(test.size(), bcTrain.get("test_size").asInt());
        assertEquals(Builtins.load("breast_cancer", Split.TRAIN).size(), bcTrain.get("train_size").asInt());
        // oracle: load the written file and evaluate with the library directly
        Classifier m = (Classifier) ModelFiles.load(bcModel);
        Evaluation e = Evaluation.of(test.y(), m.predictProba(test.x()), test.classNames());
        JsonNode metrics = bcTrain.get("metrics");
        assertEquals(e.accuracy(), metrics.get("accuracy").asDouble(), 1e-12);
        assertEquals(e.logLoss(), metrics.get("log_loss").asDouble(), 1e-12);
        // scikit-learn's LogisticRegression on standardized breast_cancer scores ~0.97; far below means broken
        assertTrue(e.accuracy() > 0.93, "accuracy " + e.accuracy());

        CliRun ev = CliRun.run("eval", "--model", bcModel.toString(), "--data", "builtin:breast_cancer:test", "--json");
        assertEquals(0, ev.code(), ev.toString());
        JsonNode j = ev.json();
        assertEquals(metrics.get("accuracy").asDouble(), j.get("accuracy").asDouble(), 0);
        assertEquals(metrics.get("confusion_matrix"), j.get("confusion_matrix"));
        assertEquals(2, j.get("per_class").size());
        assertEquals("malignant", j.get("per_class").get(0).get("class_name").asText());
        int support = j.get("per_class").get(0).get("support").asInt() + j.get("per_class").get(1).get("support").asInt();
        assertEquals(test.size(), support);
    }

    @Test
    void evalOnACsvReordersColumnsByName() throws IOException {
        Dataset test = Builtins.load("breast_cancer", Split.TEST);
        // columns reversed, label first: eval must align by name and give the same accuracy as the builtin
        StringBuilder sb = new StringBuilder("target");
        List<String> f = test.featureNames();
        for (int j = f.size() - 1; j >= 0; j--) {
            sb.append(',').append(f.get(j));
        }
        sb.append('\n');
        for (int i = 0; i < test.size(); i++) {
            sb.append(test.classNames().get(test.y()[i]));
            for (int j = f.size() - 1; j >= 0; j--) {
                sb.append(',').append(test.x().get(i, j));
            }
            sb.append('\n');
        }
        Path csv = dir.resolve("bc_test_reversed.csv");
        Files.writeString(csv, sb);
        CliRun ev = CliRun.run("eval", "--model", bcModel.toString(), "--data", csv.toString(), "--label", "target",
                "--json");
        assertEquals(0, ev.code(), ev.toString());
        assertEquals(bcTrain.get("metrics").get("accuracy").asDouble(), ev.json().get("accuracy").asDouble(), 0);
    }

    @Test
    void predictMatchesTheLibraryAndPicksTheMostProbableClass() throws IOException {
        Dataset test = Builtins.load("breast_cancer", Split.TEST);
        Path csv = dir.resolve("rows.csv");
        StringBuilder sb = new StringBuilder(String.join(",", test.featureNames())).append('\n');
        for (int i = 0; i < 3; i++) {
            double[] row = test.x().row(i);
            for (int j = 0; j < row.length; j++) {
                sb.append(j == 0 ? "" : ",").append(row[j]);
            }
            sb.append('\n');
        }
        Files.writeString(csv, sb);
        CliRun r = CliRun.run("predict", "--model", bcModel.toString(), "--data", csv.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode preds = r.json().get("predictions");
        assertEquals(3, preds.size());
        Classifier m = (Classifier) ModelFiles.load(bcModel);
        Matrix p = m.predictProba(test.x().selectRows(new int[] {0, 1, 2}));
        for (int i = 0; i < 3; i++) {
            JsonNode probs = preds.get(i).get("probabilities");
            assertEquals(p.get(i, 0), probs.get("malignant").asDouble(), 1e-15);
            assertEquals(p.get(i, 1), probs.get("benign").asDouble(), 1e-15);
            assertEquals(p.get(i, 0) > p.get(i, 1) ? "malignant" : "benign", preds.get(i).get("label").asText());
        }
    }

    @Test
    void modelsInfoShowsTypeShapesClassesAndProvenance() {
        CliRun r = CliRun.run("models", "info", bcModel.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("logistic_regression", j.get("type").asText());
        assertEquals("botsec-model/1", j.get("format").asText());
        assertEquals(30, j.get("num_features").asInt());
        assertEquals("malignant", j.get("classes").get(0).asText());
        assertEquals("coef", j.get("tensors").get(0).get("name").asText());
        assertEquals("[1,30]", j.get("tensors").get(0).get("shape").toString());
        // coef 30 + intercept 1 + scaler mean 30 + scale 30
        assertEquals(91, j.get("num_parameters").asLong());
        JsonNode prov = j.get("provenance");
        assertEquals("logistic_regression/lbfgs", prov.get("trainer").asText());
        assertEquals("builtin:breast_cancer", prov.get("parameters").get("data").asText());
        assertEquals(64, prov.get("data_sha256").asText().length());

        CliRun human = CliRun.run("models", "info", bcModel.toString());
        assertEquals(0, human.code());
        assertTrue(human.out().contains("classes:     malignant, benign"), human.out());
    }

    /** Expected probabilities computed by hand: sigmoid / softmax of coef·((x − mean)/scale) + intercept. */
    @Test
    void importLinearThenPredictGivesHandComputedProbabilities() throws IOException {
        Path json = dir.resolve("sk.json");
        Files.writeString(json, """
                {"type": "logistic_regression", "feature_names": ["a", "b"], "classes": [0, 1],
                 "coef": [[0.5, -1.0]], "intercept": [0.25],
                 "scaler": {"mean": [1.0, 2.0], "scale": [2.0, 4.0]}}
                """);
        Path model = dir.resolve("imported.safetensors");
        CliRun imp = CliRun.run("models", "import-linear", "--from", json.toString(), "--out", model.toString(),
                "--json");
        assertEquals(0, imp.code(), imp.toString());
        assertEquals(2, imp.json().get("num_features").asInt());
        assertTrue(imp.json().get("scaler").asBoolean());
        Path csv = dir.resolve("ab.csv");
        Files.writeString(csv, "b,a,extra\n6,3,x\n2,1,y\n");
        CliRun r = CliRun.run("predict", "--model", model.toString(), "--data", csv.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        // row 1: a=3,b=6 -> ((3-1)/2, (6-2)/4) = (1, 1) -> z = 0.5 - 1 + 0.25 = -0.25
        double p1 = 1 / (1 + Math.exp(0.25));
        // row 2: a=1,b=2 -> (0, 0) -> z = 0.25
        double p2 = 1 / (1 + Math.exp(-0.25));
        JsonNode preds = r.json().get("predictions");
        assertEquals(p1, preds.get(0).get("probabilities").get("1").asDouble(), 1e-14);
        assertEquals("0", preds.get(0).get("label").asText());
        assertEquals(p2, preds.get(1).get("probabilities").get("1").asDouble(), 1e-14);
        assertEquals("1", preds.get(1).get("label").asText());

        // three classes: softmax of the scores, no scaler
        Path json3 = dir.resolve("sk3.json");
        Files.writeString(json3, """
                {"type": "logistic_regression", "feature_names": ["a"], "classes": ["x", "y", "z"],
                 "coef": [[1.0], [0.0], [-1.0]], "intercept": [0.0, 0.5, 0.0]}
                """);
        Path model3 = dir.resolve("imported3.safetensors");
        assertEquals(0, CliRun.run("models", "import-linear", "--from", json3.toString(), "--out", model3.toString())
                .code());
        Path one = dir.resolve("one.csv");
        Files.writeString(one, "a\n2\n");
        JsonNode probs = CliRun.run("predict", "--model", model3.toString(), "--data", one.toString(), "--json")
                .json().get("predictions").get(0).get("probabilities");
        double z = Math.exp(2) + Math.exp(0.5) + Math.exp(-2);
        assertEquals(Math.exp(2) / z, probs.get("x").asDouble(), 1e-14);
        assertEquals(Math.exp(0.5) / z, probs.get("y").asDouble(), 1e-14);
        assertEquals(Math.exp(-2) / z, probs.get("z").asDouble(), 1e-14);

        CliRun info = CliRun.run("models", "info", model3.toString(), "--json");
        assertEquals("import/linear_json", info.json().get("provenance").get("trainer").asText());
    }

    @Test
    void textModelOnACsvThenPredictText() throws IOException {
        StringBuilder sb = new StringBuilder("text,label\n");
        String[] pos = {"great fun movie", "loved it great", "wonderful great acting", "fun and wonderful",
                "really loved the story", "great great great"};
        String[] neg = {"boring awful movie", "hated it awful", "terrible boring acting", "awful and terrible",
                "really hated the story", "boring boring boring"};
        for (int i = 0; i < pos.length; i++) {
            sb.append(pos[i]).append(",pos\n").append(neg[i]).append(",neg\n");
        }
        Path csv = dir.resolve("texts.csv");
        Files.writeString(csv, sb);
        Path model = dir.resolve("text.safetensors");
        CliRun t = CliRun.run("train", "--data", csv.toString(), "--model", "text-logreg", "--out", model.toString(),
                "--json", "-q");
        assertEquals(0, t.code(), t.toString());
        JsonNode j = t.json();
        // stratified 80/20 of 6+6 rows: round(0.2*6) = 1 test row per class
        assertEquals(10, j.get("train_size").asInt());
        assertEquals(2, j.get("test_size").asInt());
        assertEquals("text_logistic_regression", j.get("model_type").asText());
        CliRun p = CliRun.run("predict", "--model", model.toString(), "--text", "great wonderful fun", "--text",
                "awful boring", "--json");
        assertEquals(0, p.code(), p.toString());
        assertEquals("pos", p.json().get("predictions").get(0).get("label").asText());
        assertEquals("neg", p.json().get("predictions").get(1).get("label").asText());
        double sum = p.json().get("predictions").get(0).get("probabilities").get("pos").asDouble()
                + p.json().get("predictions").get(0).get("probabilities").get("neg").asDouble();
        assertEquals(1.0, sum, 1e-12);
    }

    @Test
    void mlpTrainingIsReplayableWithTheSameSeed() throws IOException {
        Path a = dir.resolve("mlp_a.safetensors");
        Path b = dir.resolve("mlp_b.safetensors");
        String[] args = {"train", "--data", "builtin:digits8x8", "--model", "mlp", "--hidden", "16", "--epochs", "2",
                "--batch-size", "128", "--seed", "7", "--json", "-q", "--out"};
        CliRun ra = CliRun.run(concat(args, a.toString()));
        CliRun rb = CliRun.run(concat(args, b.toString()));
        assertEquals(0, ra.code(), ra.toString());
        assertEquals(ra.json().get("metrics"), rb.json().get("metrics"));
        Model ma = ModelFiles.load(a);
        Model mb = ModelFiles.load(b);
        assertArrayEquals(ModelRegistry.state(ma).tensors().get(ModelRegistry.state(ma).tensors().keySet().iterator().next()).values(),
                ModelRegistry.state(mb).tensors().get(ModelRegistry.state(mb).tensors().keySet().iterator().next()).values());
        JsonNode info = CliRun.run("models", "info", a.toString(), "--json").json();
        assertEquals(7, info.get("provenance").get("seed").asLong());
        assertEquals(64, info.get("num_features").asInt());
        assertEquals(10, info.get("classes").size());
        // a different seed gives different weights (the seed is really used)
        Path c = dir.resolve("mlp_c.safetensors");
        String[] other = args.clone();
        other[12] = "8";
        assertEquals(0, CliRun.run(concat(other, c.toString())).code());
        Model mc = ModelFiles.load(c);
        assertFalse(java.util.Arrays.equals(ModelRegistry.state(ma).tensors().values().iterator().next().values(),
                ModelRegistry.state(mc).tensors().values().iterator().next().values()));
    }

    @Test
    void progressBarGoesToStderrNeverStdout() {
        Path out = dir.resolve("mlp_progress.safetensors");
        CliRun r = CliRun.run("train", "--data", "builtin:digits8x8", "--model", "mlp", "--hidden", "8", "--epochs", "1",
                "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("train [") && r.err().contains("100%"), r.err());
        assertFalse(r.out().contains("train ["));
        r.json();
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : List.of(new String[] {"train"}, new String[] {"predict"}, new String[] {"eval"},
                new String[] {"models"}, new String[] {"models", "info"}, new String[] {"models", "import-linear"},
                new String[] {"demo"})) {
            CliRun r = CliRun.run(concat(cmd, "--help"));
            assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r);
            assertTrue(r.out().contains("Usage:"), r.out());
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
