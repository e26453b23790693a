package org.botsec.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.explain.Background;
import org.botsec.explain.Explanation;
import org.botsec.explain.LimeTabularExplainer;
import org.botsec.explain.ShapExplainer;
import org.botsec.explain.ShapMethod;

/**
 * Batch explanation throughput: the in-process explainer on one thread (row after row, {@code explainRow(x, i)})
 * against {@code SparkExplain} under local[*] at several partition counts, same rows, same seeds, one JVM. Workload:
 * every row of the Wisconsin breast-cancer data set (569 rows, 30 features, repeated to the requested count), a
 * standardised logistic regression trained on the train split; LIME with 5,000 samples, 5 features, training
 * statistics from the train split; Kernel SHAP with background = the first 100 training rows and the default budget
 * (2M + 2048 coalitions; the model's linear capability gives the coalition values). The first row's values of every
 * Spark run are checked against the in-process result. Spark's timing excludes session start-up; input cached.
 *
 * <p>Run: see docs/spark.md. Args: rows (default 2000), partition counts (default 1,2,4).
 */
public final class ExplainThroughputBench {
    private ExplainThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int[] parts = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 2, 4};
        var train = Builtins.load("breast_cancer", Split.TRAIN);
        Matrix all = Builtins.load("breast_cancer", Split.ALL).x();
        LinearModel model = LogisticRegression.builder().standardize(true).build().fit(train);
        Path file = Files.createTempFile("botsec-bench-", ".safetensors");
        ModelFiles.save(model, file);
        Classifier c = (Classifier) ModelFiles.load(file);
        Matrix x = new Matrix(n, all.cols());
        for (int i = 0; i < n; i++) {
            System.arraycopy(all.data(), (i % all.rows()) * all.cols(), x.data(), i * all.cols(), all.cols());
        }
        int[] first100 = new int[100];
        for (int i = 0; i < 100; i++) {
            first100[i] = i;
        }
        Matrix bg = train.x().selectRows(first100);
        System.out.printf(Locale.ROOT, "rows %d, cores %d%n", n, Runtime.getRuntime().availableProcessors());

        SparkSession spark = SparkSession.builder().master("local[*]").appName("botsec explain bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        StructType schema = new StructType().add("id", DataTypes.IntegerType);
        for (String f : train.featureNames()) {
            schema = schema.add(f, DataTypes.DoubleType);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object[] v = new Object[x.cols() + 1];
            v[0] = i;
            for (int j = 0; j < x.cols(); j++) {
                v[j + 1] = x.get(i, j);
            }
            rows.add(RowFactory.create(v));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1).cache();
        df.count();

        for (SparkExplain.Method method : SparkExplain.Method.values()) {
            boolean shap = method == SparkExplain.Method.SHAP;
            ShapExplainer shapEx = ShapExplainer.builder().method(ShapMethod.KERNEL).model(c).background(Background.of(bg))
                    .seed(1).build();
            LimeTabularExplainer limeEx = LimeTabularExplainer.builder().trainingData(train.x()).model(c).seed(1).build();
            java.util.function.IntFunction<Explanation> one = i -> shap ? shapEx.explainRow(x.row(i), i)
                    : limeEx.explainRow(x.row(i), i, c::predictProba, 5, 5000, 1);
            for (int i = 0; i < Math.min(n, 300); i++) {
                one.apply(i); // warm-up
            }
            long t0 = System.nanoTime();
            Explanation first = null;
            for (int i = 0; i < n; i++) {
                Explanation e = one.apply(i);
                first = i == 0 ? e : first;
            }
            double single = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s in-process, 1 thread          %8.2f s %9.1f rows/s%n", method.label(), single, n / single);
            SparkExplain ex = SparkExplain.builder().modelFile(file).method(method).numFeatures(5)
                    .background(shap ? bg : train.x()).seed(1).build();
            ex.explain(df, OptionalInt.of(2)).count(); // warm-up
            for (int p : parts) {
                long s0 = System.nanoTime();
                List<Row> got = ex.explain(df, OptionalInt.of(p)).collectAsList();
                double t = (System.nanoTime() - s0) / 1e9;
                Row r0 = got.stream().filter(r -> r.getInt(0) == 0).findFirst().orElseThrow();
                double diff = Math.abs(r0.getDouble(r0.fieldIndex(SparkExplain.BASE)) - first.intercept());
                if (diff > 1e-12 || got.size() != n) {
                    throw new IllegalStateException("spark result differs from in-process: " + diff);
                }
                System.out.printf(Locale.ROOT, "%s spark local[*], %d partitions  %8.2f s %9.1f rows/s  (%.2fx in-process time)%n",
                        method.label(), p, t, n / t, t / single);
            }
        }
        spark.stop();
        Files.deleteIfExists(file);
    }
}
