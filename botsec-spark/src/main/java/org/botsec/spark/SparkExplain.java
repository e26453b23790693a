package org.botsec.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.explain.SampleLimits;
import org.botsec.spark.internal.ExplainPartition;
import org.botsec.spark.internal.PredictPartition;
import org.botsec.spark.internal.RowExplainer;

/**
 * LIME (Ribeiro, Singh &amp; Guestrin 2016, tabular, quartile bins as marcotcr/lime) or Kernel SHAP (Lundberg &amp;
 * Lee 2017) explanations of every row of a DataFrame, for a numeric BotSec model file. The model reads the columns
 * named by its feature names (numeric, or text holding numbers, as CSV input gives).
 *
 * <p>Row i of the input (its position in the DataFrame as given, numbered by {@code zipWithIndex} before any
 * repartitioning) is explained with the row seed {@code Seeds.forRow(seed, i)}: the result equals element i of the
 * in-process {@code ShapExplainer.explainRows} / {@code LimeTabularExplainer.explainRows} with the same seed,
 * background and settings, whatever the number of partitions or executors. The model file's bytes and the
 * background rows travel with the partition function; each partition loads the model and builds the explainer
 * once. Nothing of BotSec's is Java-serialised beyond those arrays and numbers.
 *
 * <p>Columns added: {@value #ROW} (long, the row's 0-based position), {@value #LABEL} (explained class),
 * {@value #PREDICTION} (the model's probability of it), {@value #BASE} (SHAP base value or LIME intercept),
 * {@value #SCORE} (LIME's weighted R², null for SHAP), {@value #FEATURES} (JSON array of the top k
 * {@code {"feature", "index", "weight"}}, largest |weight| first) and {@value #SEED} (the seed that replays the row's
 * explanation). Rows with a null feature get nulls.
 */
public final class SparkExplain {
    public static final String ROW = "explain_row";
    public static final String LABEL = "explain_label";
    public static final String PREDICTION = "explain_prediction";
    public static final String BASE = "explain_base";
    public static final String SCORE = "explain_score";
    public static final String FEATURES = "explain_features";
    public static final String SEED = "explain_seed";
    /** Most background (SHAP) or training (LIME) rows shipped to executors. */
    public static final int MAX_BACKGROUND_ROWS = 10_000;

    /** The explanation method. */
    public enum Method {
        /** LIME on tabular rows (quartile-discretised sampling, ridge surrogate). */
        LIME,
        /** Kernel SHAP (a linear model's coalition values come from its scores). */
        SHAP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code lime} or {@code shap}; anything else is one {@link BadInputException} line. */
        public static Method parse(String s) {
            return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
                case "lime" -> LIME;
                case "shap" -> SHAP;
                default -> throw BadInputException.of("--method must be lime or shap, got '%s'",
                        s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "..." : s);
            };
        }
    }

    private final byte[] bytes;
    private final Classifier model;
    private final RowExplainer.Settings settings;

    private SparkExplain(Builder b) {
        this.bytes = b.bytes;
        this.model = b.model;
        int d = model.numFeatures();
        Matrix bg = b.background;
        int label = b.label.map(name -> {
            int i = model.classNames().indexOf(name);
            if (i < 0) {
                throw BadInputException.of("label '%s' is not a class of the model; classes: %s", name, model.classNames());
            }
            return i;
        }).orElse(model.numClasses() == 2 ? 1 : 0);
        this.settings = new RowExplainer.Settings(b.method == Method.SHAP, b.numFeatures, b.seed, label, b.samples.orElse(0),
                bg.rows(), d, bg.data());
        new RowExplainer(settings, model); // validates the settings on the driver, before any job
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The explained class index. */
    public int label() {
        return settings.label();
    }

    /** The batch seed (row i uses {@code Seeds.forRow(seed, i)}). */
    public long seed() {
        return settings.seed();
    }

    /**
     * {@code df} with the explanation columns appended.
     *
     * @param partitions repartition the (already numbered) rows into this many partitions; empty keeps the input's
     */
    public Dataset<Row> explain(Dataset<Row> df, OptionalInt partitions) {
        StructType schema = df.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        List<String> features = model.featureNames();
        int[] inputs = new int[features.size()];
        for (int j = 0; j < inputs.length; j++) {
            int idx = names.indexOf(features.get(j));
            if (idx < 0) {
                throw BadInputException.of("feature column '%s' of the model not found; the input has columns %s",
                        features.get(j), names);
            }
            var type = schema.fields()[idx].dataType();
            if (!(type instanceof NumericType) && !(type instanceof StringType)) {
                throw BadInputException.of("feature column '%s' must be numeric, got %s", features.get(j), type.simpleString());
            }
            inputs[j] = idx;
        }
        Set<String> seen = new HashSet<>(names);
        for (String a : List.of(ROW, LABEL, PREDICTION, BASE, SCORE, FEATURES, SEED)) {
            if (!seen.add(a)) {
                throw BadInputException.of("the input already has a column '%s'; rename it first", a);
            }
        }
        if (partitions.isPresent() && partitions.getAsInt() < 1) {
            throw BadInputException.of("partitions must be at least 1, got %d", partitions.getAsInt());
        }
        StructType out = schema.add(ROW, DataTypes.LongType, false)
                .add(LABEL, DataTypes.StringType, true)
                .add(PREDICTION, DataTypes.DoubleType, true)
                .add(BASE, DataTypes.DoubleType, true)
                .add(SCORE, DataTypes.DoubleType, true)
                .add(FEATURES, DataTypes.StringType, true)
                .add(SEED, DataTypes.LongType, true);
        // numbered before any shuffle, so the row seeds follow the input order and not the partitioning
        JavaPairRDD<Row, Long> numbered = df.javaRDD().zipWithIndex();
        if (partitions.isPresent()) {
            numbered = numbered.repartition(partitions.getAsInt());
        }
        JavaRDD<Row> explained = numbered.mapPartitions(new ExplainPartition(bytes, inputs, features, settings));
        return df.sparkSession().createDataFrame(explained, out);
    }

    /**
     * Builder: model file, method, number of features, background rows, seed; optional samples and label. Each
     * setting once; bad values are {@link BadInputException}s naming the option.
     */
    public static final class Builder {
        private byte[] bytes;
        private Classifier model;
        private Method method;
        private Integer numFeatures;
        private Matrix background;
        private Long seed;
        private OptionalInt samples = OptionalInt.empty();
        private Optional<String> label = Optional.empty();

        private Builder() {
        }

        private static void once(Object current, String name) {
            if (current != null) {
                throw new IllegalStateException("SparkExplain: " + name + " set twice");
            }
        }

        /** A numeric BotSec model file (read once here; a bad file fails with the loader's one-line message). */
        public Builder modelFile(Path file) {
            once(bytes, "model");
            byte[] b;
            try {
                long size = Files.size(file);
                if (size > SparkPredict.MAX_MODEL_BYTES) {
                    throw BadInputException.of("model file %s is %d bytes, over the %d-byte limit", file, size,
                            SparkPredict.MAX_MODEL_BYTES);
                }
                b = Files.readAllBytes(file);
            } catch (IOException e) {
                throw BadInputException.of("cannot read model file %s: %s", file, e.getMessage());
            }
            Model m = PredictPartition.load(b);
            if (!(m instanceof Classifier c)) {
                throw BadInputException.of("batch explain needs a numeric classifier; model %s is of type '%s'", file, m.type());
            }
            this.bytes = b;
            this.model = c;
            return this;
        }

        public Builder method(Method method) {
            once(this.method, "method");
            this.method = method;
            return this;
        }

        /** Features per explanation: LIME's numFeatures, or the top k SHAP values by magnitude. */
        public Builder numFeatures(int k) {
            once(numFeatures, "numFeatures");
            if (k <= 0) {
                throw BadInputException.of("--features must be > 0, got %d", k);
            }
            this.numFeatures = k;
            return this;
        }

        /** SHAP's background or LIME's training rows (in the model's feature order), at most {@value #MAX_BACKGROUND_ROWS}. */
        public Builder background(Matrix rows) {
            once(background, "background");
            if (rows.rows() == 0 || rows.rows() > MAX_BACKGROUND_ROWS) {
                throw BadInputException.of("background must have 1 to %d rows, got %d", MAX_BACKGROUND_ROWS, rows.rows());
            }
            this.background = rows.copy();
            return this;
        }

        /**
         * The first {@code n} rows of {@code df} (in its order) as background/training rows, read from the model's
         * feature columns; the model file must be set first. {@code what} names the data in errors.
         */
        public Builder background(Dataset<Row> df, int n, String what) {
            if (model == null) {
                throw new IllegalStateException("SparkExplain: set the model file before a background DataFrame");
            }
            if (n < 1 || n > MAX_BACKGROUND_ROWS) {
                throw BadInputException.of("background rows must be in [1, %d], got %d", MAX_BACKGROUND_ROWS, n);
            }
            List<String> names = Arrays.asList(df.schema().fieldNames());
            List<String> features = model.featureNames();
            org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[features.size()];
            for (int j = 0; j < cols.length; j++) {
                if (!names.contains(features.get(j))) {
                    throw BadInputException.of("feature column '%s' of the model not found in the %s; it has columns %s",
                            features.get(j), what, names);
                }
                cols[j] = df.col(features.get(j));
            }
            List<Row> rows = df.select(cols).limit(n).collectAsList();
            if (rows.isEmpty()) {
                throw BadInputException.of("the %s has no rows to use as background", what);
            }
            Matrix m = new Matrix(rows.size(), cols.length);
            for (int i = 0; i < rows.size(); i++) {
                for (int j = 0; j < cols.length; j++) {
                    Object v = rows.get(i).get(j);
                    if (v == null) {
                        throw BadInputException.of("%s row %d has no value in feature column '%s'", what, i, features.get(j));
                    }
                    double x = v instanceof Number num ? num.doubleValue() : parse(v.toString(), features.get(j), what);
                    if (!Double.isFinite(x)) {
                        throw BadInputException.of("%s row %d has a non-finite value in feature column '%s'", what, i, features.get(j));
                    }
                    m.set(i, j, x);
                }
            }
            return background(m);
        }

        private static double parse(String s, String column, String what) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw BadInputException.of("%s feature column '%s' has a non-numeric value '%s'", what, column,
                        s.length() > 40 ? s.substring(0, 40) + "..." : s);
            }
        }

        public Builder seed(long seed) {
            once(this.seed, "seed");
            this.seed = seed;
            return this;
        }

        /** LIME's neighbourhood size (default 5,000) or Kernel SHAP's coalition budget (default 2M + 2048). */
        public Builder samples(int n) {
            if (samples.isPresent()) {
                throw new IllegalStateException("SparkExplain: samples set twice");
            }
            this.samples = OptionalInt.of(n);
            return this;
        }

        /** The explained class by name (default: the second of two classes, else the first). */
        public Builder label(String className) {
            if (label.isPresent()) {
                throw new IllegalStateException("SparkExplain: label set twice");
            }
            this.label = Optional.of(className);
            return this;
        }

        public SparkExplain build() {
            if (bytes == null || method == null || numFeatures == null || background == null || seed == null) {
                throw new BadInputException("SparkExplain: model file, method, numFeatures, background and seed must be set");
            }
            if (numFeatures > model.numFeatures()) {
                throw BadInputException.of("--features must be at most the model's %d features, got %d",
                        model.numFeatures(), numFeatures);
            }
            if (samples.isPresent()) {
                SampleLimits.check("--samples", samples.getAsInt(), model.numFeatures(), "features");
            }
            if (background.cols() != model.numFeatures()) {
                throw BadInputException.of("background has %d columns, the model %d features", background.cols(), model.numFeatures());
            }
            return new SparkExplain(this);
        }
    }

    /** The model's feature names (the columns read, in this order). */
    public List<String> featureNames() {
        return model.featureNames();
    }

}
