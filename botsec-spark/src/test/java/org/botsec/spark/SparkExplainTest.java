package org.botsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.botsec.explain.Background;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureWeight;
import org.botsec.explain.LimeTabularExplainer;
import org.botsec.explain.ShapExplainer;
import org.botsec.explain.ShapMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference: the in-process explainers of botsec-explain ({@code ShapExplainer.explainRows},
 * {@code LimeTabularExplainer.explainRows}) with the same seed, background and settings, on the same rows, built here
 * directly from the public API (not through botsec-spark's code). Data: the Wisconsin breast-cancer built-in data
 * set (UCI, shipped with botsec-core); models trained on its train split here (logistic regression) or a 30-8-2
 * MLP with seeded random weights (a model the explainers can only treat as a black box).
 */
class SparkExplainTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = Sessions.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Matrix firstRows(Matrix x, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return x.selectRows(idx);
    }

    /** The test rows as a frame: an id, then the features in reverse order (columns are found by name). */
    static Dataset<Row> frame(Matrix x, List<String> names) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType);
        for (int j = names.size() - 1; j >= 0; j--) {
            schema = schema.add(names.get(j), DataTypes.DoubleType);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.rows(); i++) {
            Object[] v = new Object[names.size() + 1];
            v[0] = i;
            for (int j = 0; j < names.size(); j++) {
                v[names.size() - j] = x.get(i, j);
            }
            rows.add(RowFactory.create(v));
        }
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    /** Top k by |weight|, ties in order, as the reference's own ranking of its weights. */
    static List<FeatureWeight> top(Explanation e, int k) {
        List<FeatureWeight> w = new ArrayList<>(e.weights());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -Math.abs(w.get(i).weight())).thenComparingInt(i -> i));
        return order.stream().limit(k).map(w::get).toList();
    }

    static void assertSame(List<Explanation> expected, List<Row> got, int k) throws Exception {
        assertEquals(expected.size(), got.size());
        for (Row r : got) {
            int id = r.getInt(r.fieldIndex("id"));
            assertEquals(id, r.getLong(r.fieldIndex(SparkExplain.ROW)), "row numbers follow the input order");
            Explanation e = expected.get(id);
            assertEquals(e.labelName(), r.getString(r.fieldIndex(SparkExplain.LABEL)));
            assertEquals(e.prediction(), r.getDouble(r.fieldIndex(SparkExplain.PREDICTION)), 1e-12, "row " + id);
            assertEquals(e.intercept(), r.getDouble(r.fieldIndex(SparkExplain.BASE)), 1e-12, "row " + id);
            assertEquals(e.seed().getAsLong(), r.getLong(r.fieldIndex(SparkExplain.SEED)), "row " + id);
            JsonNode features = JSON.readTree(r.getString(r.fieldIndex(SparkExplain.FEATURES)));
            List<FeatureWeight> want = top(e, k);
            assertEquals(want.size(), features.size(), "row " + id);
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i).feature(), features.get(i).get("feature").asText(), "row " + id + " rank " + i);
                assertEquals(want.get(i).index(), features.get(i).get("index").asInt());
                assertEquals(want.get(i).weight(), features.get(i).get("weight").asDouble(), 1e-12, "row " + id + " rank " + i);
            }
        }
    }

    @Test
    void kernelShapOfABlackBoxEqualsInProcessWhateverThePartitioning(@TempDir Path dir) throws Exception {
        var train = Builtins.load("breast_cancer", Split.TRAIN);
        Mlp mlp = Mlp.create(new int[] {30, 8, 2}, train.featureNames(), List.of("malignant", "benign"), Randomness.replayable(3));
        Path file = dir.resolve("mlp.safetensors");
        ModelFiles.save(mlp, file);
        Classifier loaded = (Classifier) ModelFiles.load(file);
        Matrix bg = firstRows(train.x(), 20);
        Matrix x = firstRows(Builtins.load("breast_cancer", Split.TEST).x(), 16);
        List<Explanation> expected = ShapExplainer.builder().method(ShapMethod.KERNEL).model(loaded)
                .background(Background.of(bg)).label(1).seed(42).nsamples(300).build().explainRows(x);
        for (int partitions : new int[] {1, 3}) {
            SparkExplain ex = SparkExplain.builder().modelFile(file).method(SparkExplain.Method.SHAP).numFeatures(5)
                    .background(bg).seed(42).samples(300).build();
            List<Row> got = ex.explain(frame(x, train.featureNames()), OptionalInt.of(partitions)).collectAsList();
            assertSame(expected, got, 5);
            assertNull(got.get(0).get(got.get(0).fieldIndex(SparkExplain.SCORE)));
        }
    }

    @Test
    void limeAndLinearShapEqualInProcess(@TempDir Path dir) throws Exception {
        var train = Builtins.load("breast_cancer", Split.TRAIN);
        LinearModel model = LogisticRegression.builder().standardize(true).build().fit(train);
        Path file = dir.resolve("lr.safetensors");
        ModelFiles.save(model, file);
        Classifier loaded = (Classifier) ModelFiles.load(file);
        Matrix x = firstRows(Builtins.load("breast_cancer", Split.TEST).x(), 16);
        Dataset<Row> df = frame(x, train.featureNames());

        List<Explanation> lime = LimeTabularExplainer.builder().trainingData(train.x()).model(loaded).seed(7).build()
                .explainRows(x, loaded::predictProba, 4, 1000, 1);
        List<Row> got = SparkExplain.builder().modelFile(file).method(SparkExplain.Method.LIME).numFeatures(4)
                .background(train.x()).seed(7).samples(1000).build().explain(df, OptionalInt.of(2)).collectAsList();
        assertSame(lime, got, 4);
        for (Row r : got) {
            int id = r.getInt(r.fieldIndex("id"));
            assertEquals(lime.get(id).score(), r.getDouble(r.fieldIndex(SparkExplain.SCORE)), 1e-12);
        }

        Matrix bg = firstRows(train.x(), 100);
        List<Explanation> shap = ShapExplainer.builder().method(ShapMethod.KERNEL).model(loaded).background(Background.of(bg))
                .label(0).seed(11).build().explainRows(x);
        List<Row> gotShap = SparkExplain.builder().modelFile(file).method(SparkExplain.Method.SHAP).numFeatures(30)
                .background(bg).seed(11).label(model.classNames().get(0)).build().explain(df, OptionalInt.empty()).collectAsList();
        assertSame(shap, gotShap, 30);
    }

    @Test
    void badSettingsAreOneLine(@TempDir Path dir) throws Exception {
        var train = Builtins.load("breast_cancer", Split.TRAIN);
        LinearModel model = LogisticRegression.builder().build().fit(train);
        Path file = dir.resolve("lr.safetensors");
        ModelFiles.save(model, file);
        assertEquals("--method must be lime or shap, got 'anchor'",
                assertThrows(BadInputException.class, () -> SparkExplain.Method.parse("anchor")).getMessage());
        assertEquals("--features must be > 0, got 0", assertThrows(BadInputException.class,
                () -> SparkExplain.builder().numFeatures(0)).getMessage());
        assertEquals("--features must be at most the model's 30 features, got 31", assertThrows(BadInputException.class,
                () -> SparkExplain.builder().modelFile(file).method(SparkExplain.Method.SHAP).numFeatures(31)
                        .background(firstRows(train.x(), 5)).seed(1).build()).getMessage());
        SparkExplain ex = SparkExplain.builder().modelFile(file).method(SparkExplain.Method.SHAP).numFeatures(3)
                .background(firstRows(train.x(), 5)).seed(1).build();
        Dataset<Row> df = frame(firstRows(train.x(), 3), train.featureNames());
        BadInputException e = assertThrows(BadInputException.class,
                () -> ex.explain(df.drop(train.featureNames().get(2)), OptionalInt.empty()));
        assertTrue(e.getMessage().startsWith("feature column '" + train.featureNames().get(2) + "' of the model not found"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        Files.write(dir.resolve("junk.safetensors"), new byte[] {1, 2});
        assertThrows(BadInputException.class, () -> SparkExplain.builder().modelFile(dir.resolve("junk.safetensors")));
    }
}
