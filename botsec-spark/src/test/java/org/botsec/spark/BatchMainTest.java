package org.botsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.explain.Background;
import org.botsec.explain.Explanation;
import org.botsec.explain.ShapExplainer;
import org.botsec.explain.ShapMethod;
import org.botsec.core.model.TextPipeline;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch command end to end on files; reference: the single-process guard on the same texts. */
class BatchMainTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = Sessions.local(); // BatchMain's getOrCreate reuses it
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BatchMain.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String csvField(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Test
    void csvInParquetAndJsonlOutMatchSingleProcess(@TempDir Path dir) throws Exception {
        List<String> texts = new ArrayList<>(TestRows.mixed(90));
        texts.add("two lines,\n\"quoted\" and mail jane@example.com");
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < texts.size(); i++) {
            csv.append(i).append(',').append(csvField(texts.get(i))).append('\n');
        }
        Path in = dir.resolve("chats.csv");
        Files.writeString(in, csv);
        String parquet = dir.resolve("scanned.parquet").toString();
        Run r = run("guard", "--input", in.toString(), "--output", parquet, "--partitions", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("scanned " + texts.size() + " rows into " + parquet, r.out().trim());
        GuardPipeline oracle = GuardPipeline.defaults();
        List<Row> got = spark.read().parquet(parquet).collectAsList();
        assertEquals(texts.size(), got.size());
        for (Row row : got) {
            String text = texts.get(Integer.parseInt(row.getAs("id").toString()));
            assertEquals(text, row.getAs("text"));
            var v = oracle.scan(text, Direction.INPUT);
            assertEquals(v.action().name().toLowerCase(Locale.ROOT), row.getAs(SparkGuard.VERDICT));
            assertEquals(v.text(), row.getAs(SparkGuard.TEXT));
        }
        // a second pass over the scanned parquet
        String jsonl = dir.resolve("again.jsonl").toString();
        Run r2 = run("guard", "--input", parquet, "--output", jsonl, "--column", SparkGuard.TEXT, "--direction", "output");
        // the input already carries guard_* columns: refused in one line, nothing written
        assertEquals(2, r2.code());
        assertEquals("error: the input already has a column 'guard_verdict'; rename it first", r2.err().trim());
        assertFalse(Files.exists(Path.of(jsonl)));
        assertNoTempDirs(dir);
    }

    @Test
    void badInputExitsTwoWithOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"message\": \"hello\"}\n{\"message\": \"card 4111 1111 1111 1111\"}\n");
        String out = dir.resolve("out.parquet").toString();

        Run missingColumn = run("guard", "--input", in.toString(), "--output", out);
        assertEquals(2, missingColumn.code());
        assertEquals("error: column 'text' not found; the input has columns [message]", missingColumn.err().trim());

        Run missingPath = run("guard", "--input", dir.resolve("nope.csv").toString(), "--output", out);
        assertEquals(2, missingPath.code());
        assertEquals("error: input " + dir.resolve("nope.csv") + " does not exist", missingPath.err().trim());

        Run unknownFormat = run("guard", "--input", dir.resolve("in.txt").toString(), "--output", out);
        assertEquals(2, unknownFormat.code());
        assertTrue(unknownFormat.err().trim().startsWith("error: cannot tell the format of"), unknownFormat.err());

        Run badFormatFlag = run("guard", "--input", in.toString(), "--output", out, "--format", "xml");
        assertEquals("error: unknown format 'xml': use csv, parquet or jsonl", badFormatFlag.err().trim());

        // an unquoted comma gives a row more fields than the header: found only when the job runs
        Path badCsv = dir.resolve("bad.csv");
        Files.writeString(badCsv, "text\nHi, my card 4111 1111 1111 1111 was charged\n");
        Run malformed = run("guard", "--input", badCsv.toString(), "--output", out);
        assertEquals(2, malformed.code(), malformed.err());
        assertTrue(malformed.err().trim().startsWith("error: malformed input record: "), malformed.err());
        assertEquals(1, malformed.err().trim().lines().count(), malformed.err());


        assertFalse(Files.exists(Path.of(out)));
        Run ok = run("guard", "--input", in.toString(), "--output", out, "--column", "message");
        assertEquals(0, ok.code(), ok.err());
        Run exists = run("guard", "--input", in.toString(), "--output", out, "--column", "message");
        assertEquals(2, exists.code());
        assertEquals("error: output " + out + " already exists; remove it or choose another path", exists.err().trim());
        assertNoTempDirs(dir);
    }

    /** Reference: the same model file loaded in this process, on the same texts. */
    @Test
    void predictCsvToJsonlMatchesSingleProcess(@TempDir Path dir) throws Exception {
        TextPipeline model = TextPipeline.fit(Builtins.loadText("sentiment_sentences", Split.TRAIN), LogisticRegression.builder().build());
        Path file = dir.resolve("sentiment.safetensors");
        ModelFiles.save(model, file);
        List<String> texts = Builtins.loadText("sentiment_sentences", Split.TEST).texts().subList(0, 120);
        StringBuilder csv = new StringBuilder("id,review\n");
        for (int i = 0; i < texts.size(); i++) {
            csv.append(i).append(',').append(csvField(texts.get(i))).append('\n');
        }
        Path in = dir.resolve("reviews.csv");
        Files.writeString(in, csv);
        String out = dir.resolve("predicted.jsonl").toString();
        Run r = run("predict", "--input", in.toString(), "--output", out, "--model", file.toString(), "--column", "review");
        assertEquals(0, r.code(), r.err());
        Matrix expected = ((TextPipeline) ModelFiles.load(file)).predictProba(texts);
        List<Row> got = spark.read().json(out).collectAsList();
        assertEquals(texts.size(), got.size());
        String probCol = "prob_" + model.classNames().get(1);
        for (Row row : got) {
            int id = Integer.parseInt(row.getAs("id").toString());
            assertEquals(expected.get(id, 1), ((Number) row.getAs(probCol)).doubleValue(), 1e-12, "row " + id);
            assertEquals(model.classNames().get(expected.get(id, 1) > expected.get(id, 0) ? 1 : 0), row.getAs(SparkPredict.PREDICTED));
        }
        Run missing = run("predict", "--input", in.toString(), "--output", dir.resolve("p2.jsonl").toString(), "--model",
                dir.resolve("none.safetensors").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().trim().startsWith("error: cannot read model file"), missing.err());
    }

    /**
     * Reference: the in-process {@code ShapExplainer.explainRows} (botsec-explain) with the same seed, on the same
     * rows of the Wisconsin breast-cancer built-in data set, background = the first 100 input rows as the command
     * takes them by default.
     */
    @Test
    void explainCsvToJsonlMatchesInProcessAndBadInputIsOneLine(@TempDir Path dir) throws Exception {
        var train = Builtins.load("breast_cancer", Split.TRAIN);
        LinearModel model = LogisticRegression.builder().standardize(true).build().fit(train);
        Path file = dir.resolve("cancer.safetensors");
        ModelFiles.save(model, file);
        Matrix x = train.x();
        int n = 120;
        StringBuilder csv = new StringBuilder("id," + String.join(",", train.featureNames()) + "\n");
        for (int i = 0; i < n; i++) {
            csv.append(i);
            for (int j = 0; j < x.cols(); j++) {
                csv.append(',').append(x.get(i, j));
            }
            csv.append('\n');
        }
        Path in = dir.resolve("rows.csv");
        Files.writeString(in, csv);
        String out = dir.resolve("explained.jsonl").toString();
        Run r = run("explain", "--input", in.toString(), "--output", out, "--model", file.toString(), "--method", "shap",
                "--features", "3", "--seed", "5", "--partitions", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("explained " + n + " rows into " + out + " (shap, seed 5)", r.out().trim());
        int[] first = new int[n];
        for (int i = 0; i < n; i++) {
            first[i] = i;
        }
        Matrix rows = x.selectRows(first);
        int[] bgRows = java.util.Arrays.copyOf(first, 100);
        List<Explanation> expected = ShapExplainer.builder().method(ShapMethod.KERNEL).model((LinearModel) ModelFiles.load(file))
                .background(Background.of(x.selectRows(bgRows))).seed(5).build().explainRows(rows);
        List<Row> got = spark.read().json(out).collectAsList();
        assertEquals(n, got.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (Row row : got) {
            int id = Integer.parseInt(row.getAs("id").toString());
            Explanation e = expected.get(id);
            assertEquals(id, ((Number) row.getAs(SparkExplain.ROW)).intValue());
            assertEquals(e.prediction(), ((Number) row.getAs(SparkExplain.PREDICTION)).doubleValue(), 1e-12);
            var top = json.readTree((String) row.getAs(SparkExplain.FEATURES));
            assertEquals(3, top.size());
            double best = e.weights().stream().mapToDouble(w -> Math.abs(w.weight())).max().orElseThrow();
            assertEquals(best, Math.abs(top.get(0).get("weight").asDouble()), 1e-12, "row " + id);
            assertEquals(e.weightOf(top.get(0).get("feature").asText()), top.get(0).get("weight").asDouble(), 1e-12);
        }

        String out2 = dir.resolve("bad.jsonl").toString();
        Run badMethod = run("explain", "--input", in.toString(), "--output", out2, "--model", file.toString(), "--method", "anchor", "--features", "3");
        assertEquals(2, badMethod.code());
        assertEquals("error: --method must be lime or shap, got 'anchor'", badMethod.err().trim());
        Run badK = run("explain", "--input", in.toString(), "--output", out2, "--model", file.toString(), "--method", "lime", "--features", "0");
        assertEquals(2, badK.code());
        assertEquals("error: --features must be > 0, got 0", badK.err().trim());
        Path noColumn = dir.resolve("short.csv");
        Files.writeString(noColumn, "id,other\n1,2\n");
        Run missing = run("explain", "--input", noColumn.toString(), "--output", out2, "--model", file.toString(), "--method", "shap", "--features", "3");
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().trim().lines().count());
        assertTrue(missing.err().startsWith("error: feature column '" + train.featureNames().get(0) + "' of the model not found"), missing.err());
        assertFalse(Files.exists(Path.of(out2)));
        assertNoTempDirs(dir);
    }

    private static void assertNoTempDirs(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).sorted(Comparator.naturalOrder()).toList();
            assertEquals(List.of(), left);
        }
    }
}
