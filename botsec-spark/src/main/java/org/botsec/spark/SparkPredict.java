package org.botsec.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.botsec.core.BadInputException;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextClassifier;
import org.botsec.spark.internal.PredictPartition;

/**
 * Batch prediction with a BotSec model file ({@code org.botsec.core.io.ModelFiles}). A text model reads one
 * text column; a numeric model reads the columns named by its feature names, in its order. Adds
 * {@value #PREDICTED} (the class name of highest probability, the first on a tie) and one double column
 * {@code prob_<class>} per class (non-alphanumeric characters of the class name become {@code _}). Rows with a
 * null input get nulls.
 *
 * <p>The model travels as the model file's bytes; each partition loads it once.
 */
public final class SparkPredict {
    public static final String PREDICTED = "predicted";
    /** Largest model file shipped to executors (they hold it in memory). */
    public static final long MAX_MODEL_BYTES = 512L << 20;

    private final byte[] bytes;
    private final Model model;

    private SparkPredict(byte[] bytes) {
        this.bytes = bytes;
        this.model = PredictPartition.load(bytes);
        if (!(model instanceof TextClassifier) && !(model instanceof Classifier)) {
            throw BadInputException.of("model type '%s' does not predict class probabilities", model.type());
        }
    }

    /** Reads the model file once; a bad file fails here with the loader's one-line message. */
    public static SparkPredict fromFile(Path modelFile) {
        try {
            long size = Files.size(modelFile);
            if (size > MAX_MODEL_BYTES) {
                throw BadInputException.of("model file %s is %d bytes, over the %d-byte limit", modelFile, size, MAX_MODEL_BYTES);
            }
            return new SparkPredict(Files.readAllBytes(modelFile));
        } catch (IOException e) {
            throw BadInputException.of("cannot read model file %s: %s", modelFile, e.getMessage());
        }
    }

    /** True for a text model (reads one text column). */
    public boolean isText() {
        return model instanceof TextClassifier;
    }

    /** Class names, in the order of the probability columns. */
    public List<String> classNames() {
        return model instanceof TextClassifier tc ? tc.classNames() : ((Classifier) model).classNames();
    }

    /** The names of the probability columns, in class order. */
    public List<String> probabilityColumns() {
        List<String> out = new ArrayList<>();
        for (String c : classNames()) {
            out.add("prob_" + c.replaceAll("[^A-Za-z0-9_]", "_"));
        }
        return out;
    }

    /**
     * {@code df} with the prediction columns appended.
     *
     * @param textColumn the text column for a text model (ignored by a numeric model, which reads its features)
     */
    public Dataset<Row> predict(Dataset<Row> df, Optional<String> textColumn) {
        StructType schema = df.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        int[] inputs;
        if (model instanceof TextClassifier) {
            String col = textColumn.orElse("text");
            int idx = names.indexOf(col);
            if (idx < 0) {
                throw BadInputException.of("column '%s' not found; the input has columns %s", col, names);
            }
            if (!(schema.fields()[idx].dataType() instanceof StringType)) {
                throw BadInputException.of("column '%s' must be text, got %s", col, schema.fields()[idx].dataType().simpleString());
            }
            inputs = new int[] {idx};
        } else {
            List<String> features = ((Classifier) model).featureNames();
            inputs = new int[features.size()];
            for (int j = 0; j < inputs.length; j++) {
                int idx = names.indexOf(features.get(j));
                if (idx < 0) {
                    throw BadInputException.of("feature column '%s' of the model not found; the input has columns %s", features.get(j), names);
                }
                if (!(schema.fields()[idx].dataType() instanceof NumericType)) {
                    throw BadInputException.of("feature column '%s' must be numeric, got %s", features.get(j),
                            schema.fields()[idx].dataType().simpleString());
                }
                inputs[j] = idx;
            }
        }
        List<String> added = new ArrayList<>();
        added.add(PREDICTED);
        added.addAll(probabilityColumns());
        Set<String> seen = new HashSet<>(names);
        for (String a : added) {
            if (!seen.add(a)) {
                throw BadInputException.of("output column '%s' clashes with an input column or another class; rename it first", a);
            }
        }
        StructType out = schema.add(PREDICTED, DataTypes.StringType, true);
        for (String p : probabilityColumns()) {
            out = out.add(p, DataTypes.DoubleType, true);
        }
        return df.mapPartitions(new PredictPartition(bytes, inputs), Encoders.row(out));
    }
}
