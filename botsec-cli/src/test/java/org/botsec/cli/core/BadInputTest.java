package org.botsec.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: exit code 2, one line on stderr naming the problem and the value, nothing on stdout or disk. */
class BadInputTest {
    @TempDir
    static Path dir;
    static Path out;
    static Path model;

    @BeforeAll
    static void setUp() throws IOException {
        out = dir.resolve("never-written.safetensors");
        model = dir.resolve("small.safetensors");
        Path csv = write("small.csv", "a,b,y\n1,2,u\n2,1,v\n3,4,u\n4,3,v\n5,6,u\n6,5,v\n7,8,u\n8,7,v\n9,9,u\n0,1,v\n");
        CliRun r = CliRun.run("train", "--data", csv.toString(), "--label", "y", "--model", "logreg", "--out",
                model.toString(), "-q");
        assertEquals(0, r.code(), r.toString());
    }

    static Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    static void bad(String expected, String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(expected), "stderr should contain '" + expected + "': " + r);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        assertFalse(r.err().contains("internal error"), r.toString());
        assertEquals("", r.out(), "nothing on stdout");
        assertFalse(Files.exists(out), "no model written");
    }

    static void badTrain(String expected, String data, String... more) {
        String[] base = {"train", "--data", data, "--model", "logreg", "--out", out.toString(), "--json", "-q"};
        bad(expected, CoreCommandsTest.concat(base, more));
    }

    @Test
    void missingFile() {
        badTrain("nope.csv", dir.resolve("nope.csv").toString(), "--label", "y");
        bad("model file not found", "predict", "--model", dir.resolve("none.safetensors").toString(), "--text", "x");
    }

    @Test
    void raggedCsv() throws IOException {
        badTrain("row 2", write("ragged.csv", "a,b,y\n1,2,u\n1,v\n3,4,u\n").toString(), "--label", "y");
    }

    @Test
    void nonNumericCell() throws IOException {
        badTrain("abc", write("text_cell.csv", "a,b,y\n1,2,u\n1,abc,v\n3,4,u\n").toString(), "--label", "y");
        Path csv = write("pred_bad.csv", "a,b\n1,zz\n");
        bad("column 'b': not a number: 'zz'", "predict", "--model", model.toString(), "--data", csv.toString());
    }

    @Test
    void nanCell() throws IOException {
        badTrain("NaN", write("nan.csv", "a,b,y\n1,2,u\n1,NaN,v\n3,4,u\n").toString(), "--label", "y");
        Path csv = write("pred_nan.csv", "a,b\n1,NaN\n");
        bad("value NaN is not finite", "predict", "--model", model.toString(), "--data", csv.toString());
    }

    @Test
    void missingLabelColumnOrFlag() throws IOException {
        Path csv = write("nolabel.csv", "a,b,y\n1,2,u\n2,1,v\n");
        badTrain("label column 'target' not found", csv.toString(), "--label", "target");
        badTrain("--label is required", csv.toString());
    }

    @Test
    void singleClass() throws IOException {
        badTrain("single class 'u'", write("one.csv", "a,b,y\n1,2,u\n2,1,u\n3,3,u\n").toString(), "--label", "y");
    }

    @Test
    void emptyText() {
        bad("--text is empty", "predict", "--model", model.toString(), "--text", "  ");
    }

    @Test
    void unknownBuiltin() {
        badTrain("unknown built-in data set 'nosuch'", "builtin:nosuch");
    }

    @Test
    void modelDataFeatureMismatch() throws IOException {
        // one rule in every command: the model's features by name, extra columns ignored
        Path csv = write("three.csv", "a,b,c,y\n1,2,3,u\n2,1,3,v\n");
        assertEquals(0, CliRun.run("eval", "--model", model.toString(), "--data", csv.toString(), "--label", "y")
                .code());
        Path renamed = write("renamed.csv", "a,z,y\n1,2,u\n2,1,v\n");
        String same = "has no column 'b' (the model expects 2 features: a, b)";
        bad(same, "eval", "--model", model.toString(), "--data", renamed.toString(), "--label", "y");
        bad(same, "predict", "--model", model.toString(), "--data", renamed.toString());
        bad(same, "explain", "shap", "--model", model.toString(), "--background", renamed.toString(), "--data",
                renamed.toString());
        Path otherLabels = write("labels.csv", "a,b,y\n1,2,u\n2,1,w\n");
        bad("label 'w'", "eval", "--model", model.toString(), "--data", otherLabels.toString(), "--label", "y");
        bad("numeric model", "predict", "--model", model.toString(), "--text", "hello");
    }

    @Test
    void flagsOutOfRange() {
        String[] mlp = {"train", "--data", "builtin:digits8x8", "--model", "mlp", "--out", out.toString(), "-q"};
        bad("--epochs must be >= 1, got 0", CoreCommandsTest.concat(mlp, "--epochs", "0"));
        bad("--batch-size must be >= 1, got -3", CoreCommandsTest.concat(mlp, "--batch-size", "-3"));
        bad("--learning-rate must be > 0 and finite, got NaN", CoreCommandsTest.concat(mlp, "--learning-rate", "NaN"));
        bad("--hidden widths must be in [1, 65536], got 0", CoreCommandsTest.concat(mlp, "--hidden", "128,0"));
        bad("--hidden must be comma-separated", CoreCommandsTest.concat(mlp, "--hidden", "big"));
        bad("--epochs applies to --model mlp", "train", "--data", "builtin:breast_cancer", "--model", "logreg",
                "--out", out.toString(), "--epochs", "3");
        bad("--c must be > 0 and finite, got -1.0", "train", "--data", "builtin:breast_cancer", "--model", "logreg",
                "--out", out.toString(), "--c", "-1");
        bad("unknown model 'forest'", "train", "--data", "builtin:breast_cancer", "--model", "forest", "--out",
                out.toString());
        bad("Missing required option: '--out=FILE'", "train", "--data", "builtin:breast_cancer", "--model", "logreg");
        bad("--epochs': 'many' is not an int", CoreCommandsTest.concat(mlp, "--epochs", "many"));
    }

    @Test
    void dpFlagsAreChecked() {
        // the full set of --dp validation cases is in TrainDpCommandTest
        bad("--dp needs --l2-norm-clip, --noise-multiplier, --learning-rate and --delta (missing: --learning-rate)",
                "train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out", out.toString(), "--dp",
                "--l2-norm-clip", "1.0", "--noise-multiplier", "1.1", "--delta", "1e-5");
        bad("--l2-norm-clip must be > 0 and finite, got -1.0", "train", "--data", "builtin:breast_cancer", "--model",
                "logreg", "--out", out.toString(), "--dp", "--l2-norm-clip", "-1", "--noise-multiplier", "1.1",
                "--learning-rate", "0.1", "--delta", "1e-5");
        bad("--noise-multiplier only applies with --dp", "train", "--data", "builtin:breast_cancer", "--model",
                "logreg", "--out", out.toString(), "--noise-multiplier", "1.1");
    }

    @Test
    void wrongDataKindForTheModel() {
        badTrain("is a text data set", "builtin:sentiment_sentences");
        bad("is a numeric data set", "train", "--data", "builtin:breast_cancer", "--model", "text-logreg", "--out",
                out.toString());
        badTrain("fixed train/test split", "builtin:breast_cancer:test");
    }

    @Test
    void outputFolderMissing() {
        bad("does not exist", "train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out",
                dir.resolve("no/such/dir/m.safetensors").toString());
        bad("is a folder", "train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out", dir.toString());
    }

    @Test
    void damagedModelFile() throws IOException {
        byte[] good = Files.readAllBytes(model);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 5));
        bad("truncated", "models", "info", truncated.toString());
        Path garbage = write("garbage.safetensors", "this is not a model at all");
        bad("is not a safetensors model file", "eval", "--model", garbage.toString(), "--data", "builtin:breast_cancer:test");
    }

    @Test
    void badLinearImport() throws IOException {
        Path wrongShape = write("shape.json", """
                {"type": "logistic_regression", "feature_names": ["a", "b"], "classes": ["n", "y"],
                 "coef": [[1.0, 2.0, 3.0]], "intercept": [0.0]}""");
        bad("\"coef[0]\" has 3 values, expected 2", "models", "import-linear", "--from", wrongShape.toString(),
                "--out", out.toString());
        Path twoRows = write("rows.json", """
                {"type": "logistic_regression", "feature_names": ["a"], "classes": ["n", "y"],
                 "coef": [[1.0], [2.0]], "intercept": [0.0, 0.0]}""");
        bad("binary models have one row", "models", "import-linear", "--from", twoRows.toString(), "--out",
                out.toString());
        Path badScale = write("scale.json", """
                {"type": "logistic_regression", "feature_names": ["a"], "classes": ["n", "y"],
                 "coef": [[1.0]], "intercept": [0.0], "scaler": {"mean": [0], "scale": [0]}}""");
        bad("scaler.scale[0] must be > 0, got 0.0", "models", "import-linear", "--from", badScale.toString(), "--out",
                out.toString());
        Path notJson = write("broken.json", "{\"type\": ");
        bad("is not valid JSON", "models", "import-linear", "--from", notJson.toString(), "--out", out.toString());
        Path extra = write("extra.json", """
                {"type": "logistic_regression", "feature_names": ["a"], "classes": ["n", "y"],
                 "coef": [[1.0]], "intercept": [0.0], "solver": "lbfgs"}""");
        bad("unknown field 'solver'", "models", "import-linear", "--from", extra.toString(), "--out", out.toString());
        Path dupClasses = write("dup.json", """
                {"type": "logistic_regression", "feature_names": ["a"], "classes": ["n", "n"],
                 "coef": [[1.0]], "intercept": [0.0]}""");
        bad("duplicate entry 'n'", "models", "import-linear", "--from", dupClasses.toString(), "--out",
                out.toString());
        Path nonFinite = write("inf.json", """
                {"type": "logistic_regression", "feature_names": ["a"], "classes": ["n", "y"],
                 "coef": [[1e999]], "intercept": [0.0]}""");
        bad("coef[0][0] must be a finite number", "models", "import-linear", "--from", nonFinite.toString(), "--out",
                out.toString());
    }
}
