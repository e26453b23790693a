package org.botsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.data.TextDataset;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference: the same model file loaded in this process ({@code ModelFiles.load}) and asked for
 * {@code predictProba} on all rows at once; models trained here on BotSec's built-in public data sets
 * (UCI sentiment sentences, Wisconsin breast cancer).
 */
class SparkPredictTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = Sessions.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Rows come back in input order after collect of a non-shuffled frame; checked by the id column anyway. */
    private static void assertProbabilities(List<Row> got, Matrix expected, List<String> classes, int firstOut) {
        assertEquals(expected.rows(), got.size());
        for (Row r : got) {
            int id = r.getInt(0);
            int best = 0;
            for (int c = 0; c < classes.size(); c++) {
                assertEquals(expected.get(id, c), r.getDouble(firstOut + 1 + c), 1e-12, "row " + id + " class " + c);
                best = expected.get(id, c) > expected.get(id, best) ? c : best;
            }
            assertEquals(classes.get(best), r.getString(firstOut), "row " + id);
        }
    }

    @Test
    void textModelEqualsSingleProcess(@TempDir Path dir) {
        TextPipeline model = TextPipeline.fit(Builtins.loadText("sentiment_sentences", Split.TRAIN), LogisticRegression.builder().build());
        Path file = dir.resolve("sentiment.safetensors");
        ModelFiles.save(model, file);
        TextDataset test = Builtins.loadText("sentiment_sentences", Split.TEST);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            rows.add(RowFactory.create(i, test.texts().get(i)));
        }
        rows.add(RowFactory.create(test.size(), null));
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("review", DataTypes.StringType);
        Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(3);
        SparkPredict p = SparkPredict.fromFile(file);
        List<Row> got = new ArrayList<>(p.predict(df, Optional.of("review")).collectAsList());
        Row nullRow = got.stream().filter(r -> r.getInt(0) == test.size()).findFirst().orElseThrow();
        assertNull(nullRow.get(2));
        got.remove(nullRow);
        Matrix expected = ((TextPipeline) ModelFiles.load(file)).predictProba(test.texts());
        assertProbabilities(got, expected, model.classNames(), 2);
        assertEquals(List.of("prob_" + model.classNames().get(0), "prob_" + model.classNames().get(1)), p.probabilityColumns());
    }

    @Test
    void numericModelReadsItsFeatureColumns(@TempDir Path dir) {
        var train = Builtins.load("breast_cancer", Split.TRAIN);
        LinearModel model = LogisticRegression.builder().build().fit(train);
        Path file = dir.resolve("bc.safetensors");
        ModelFiles.save(model, file);
        var test = Builtins.load("breast_cancer", Split.TEST);
        // features in reverse order, plus an id: the function must pick columns by name
        StructType schema = new StructType().add("id", DataTypes.IntegerType);
        List<String> names = test.featureNames();
        for (int j = names.size() - 1; j >= 0; j--) {
            schema = schema.add(names.get(j), DataTypes.DoubleType);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            Object[] v = new Object[names.size() + 1];
            v[0] = i;
            for (int j = 0; j < names.size(); j++) {
                v[names.size() - j] = test.x().get(i, j);
            }
            rows.add(RowFactory.create(v));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2);
        List<Row> got = SparkPredict.fromFile(file).predict(df, Optional.empty()).collectAsList();
        Matrix expected = ((LinearModel) ModelFiles.load(file)).predictProba(test.x());
        assertProbabilities(got, expected, model.classNames(), names.size() + 1);
        BadInputException e = assertThrows(BadInputException.class,
                () -> SparkPredict.fromFile(file).predict(df.drop(names.get(3)), Optional.empty()));
        assertTrue(e.getMessage().startsWith("feature column '" + names.get(3) + "' of the model not found"), e.getMessage());
    }

    @Test
    void badModelFileIsOneLine(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.safetensors");
        Files.write(junk, new byte[] {1, 2, 3});
        BadInputException e = assertThrows(BadInputException.class, () -> SparkPredict.fromFile(junk));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        assertThrows(BadInputException.class, () -> SparkPredict.fromFile(dir.resolve("missing.safetensors")));
    }
}
