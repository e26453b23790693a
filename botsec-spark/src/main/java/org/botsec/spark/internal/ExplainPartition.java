package org.botsec.spark.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.botsec.core.BadInputException;
import org.botsec.core.model.Classifier;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureWeight;
import scala.Tuple2;

/**
 * Explains one partition of (row, index) pairs: loads the model once from the shipped model-file bytes, builds
 * the explainer once, then explains row after row (lazily, so memory holds one row's work) and appends the
 * explanation columns. Row {@code index} uses the batch seed's row seed for that index, so a row's explanation
 * does not depend on the partitioning.
 */
public final class ExplainPartition implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, Row> {
    private static final long serialVersionUID = 1L;
    /** Columns appended: row index, label, prediction, base/intercept, score, features (JSON), seed. */
    public static final int ADDED = 7;

    private final byte[] model;
    private final int[] featureColumns;
    private final String[] featureNames;
    private final RowExplainer.Settings settings;

    public ExplainPartition(byte[] model, int[] featureColumns, List<String> featureNames, RowExplainer.Settings settings) {
        this.model = model.clone();
        this.featureColumns = featureColumns.clone();
        this.featureNames = featureNames.toArray(String[]::new);
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Tuple2<Row, Long>> rows) {
        Classifier c = (Classifier) PredictPartition.load(model);
        RowExplainer explainer = new RowExplainer(settings, c);
        ObjectMapper json = new ObjectMapper();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                Tuple2<Row, Long> t = rows.next();
                return explainOne(explainer, json, t._1(), t._2());
            }
        };
    }

    private Row explainOne(RowExplainer explainer, ObjectMapper json, Row r, long index) {
        Object[] values = new Object[r.length() + ADDED];
        for (int j = 0; j < r.length(); j++) {
            values[j] = r.get(j);
        }
        int o = r.length();
        values[o] = index;
        double[] x = new double[featureColumns.length];
        for (int j = 0; j < featureColumns.length; j++) {
            Object v = r.get(featureColumns[j]);
            if (v == null) {
                return RowFactory.create(values); // a missing input gives null explanation columns
            }
            x[j] = number(v, featureNames[j]);
        }
        Explanation e = explainer.explain(x, index);
        values[o + 1] = e.labelName();
        values[o + 2] = e.prediction();
        values[o + 3] = e.intercept();
        values[o + 4] = Double.isNaN(e.score()) ? null : e.score();
        List<Map<String, Object>> top = new ArrayList<>();
        for (FeatureWeight w : RowExplainer.top(e, settings.numFeatures())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("feature", w.feature());
            m.put("index", w.index());
            m.put("weight", w.weight());
            top.add(m);
        }
        try {
            values[o + 5] = json.writeValueAsString(top);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot render explanation JSON", ex);
        }
        values[o + 6] = e.seed().isPresent() ? e.seed().getAsLong() : null;
        return RowFactory.create(values);
    }

    private static double number(Object v, String column) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        String s = v.toString().trim();
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw BadInputException.of("feature column '%s' has a non-numeric value '%s'", column,
                    s.length() > 40 ? s.substring(0, 40) + "..." : s);
        }
    }
}
