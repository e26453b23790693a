package org.botsec.spark.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextClassifier;

/**
 * Predicts one partition: loads the model once from the shipped model-file bytes, then predicts rows in batches
 * of {@value #BATCH} (one matrix product per batch) and appends the predicted class and one probability column
 * per class.
 */
public final class PredictPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    static final int BATCH = 512;

    private final byte[] model;
    private final int[] inputColumns; // one text column, or the feature columns in the model's order

    public PredictPartition(byte[] model, int[] inputColumns) {
        this.model = model.clone();
        this.inputColumns = inputColumns.clone();
    }

    /** The model these bytes hold; also called on the driver to validate and read class names. */
    public static Model load(byte[] bytes) {
        return Bytes.loadViaTempFile(bytes, ".safetensors", ModelFiles::load);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Model m = load(model);
        List<Row> out = new ArrayList<>();
        List<Row> batch = new ArrayList<>(BATCH);
        // batches are materialised one at a time, so memory is bounded by BATCH rows, not the partition
        return new Iterator<>() {
            private Iterator<Row> current = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                if (current.hasNext()) {
                    return true;
                }
                batch.clear();
                while (batch.size() < BATCH && rows.hasNext()) {
                    batch.add(rows.next());
                }
                if (batch.isEmpty()) {
                    return false;
                }
                out.clear();
                predictBatch(m, batch, out);
                current = out.iterator();
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    private void predictBatch(Model m, List<Row> batch, List<Row> out) {
        List<Integer> ok = new ArrayList<>(); // rows with all inputs present; the others get nulls
        for (int i = 0; i < batch.size(); i++) {
            boolean present = true;
            for (int c : inputColumns) {
                present &= !batch.get(i).isNullAt(c);
            }
            if (present) {
                ok.add(i);
            }
        }
        Matrix p;
        List<String> classes;
        if (m instanceof TextClassifier tc) {
            List<String> texts = new ArrayList<>(ok.size());
            for (int i : ok) {
                texts.add(batch.get(i).getString(inputColumns[0]));
            }
            p = ok.isEmpty() ? new Matrix(0, tc.numClasses()) : tc.predictProba(texts);
            classes = tc.classNames();
        } else {
            Classifier c = (Classifier) m;
            Matrix x = new Matrix(ok.size(), inputColumns.length);
            for (int k = 0; k < ok.size(); k++) {
                Row r = batch.get(ok.get(k));
                for (int j = 0; j < inputColumns.length; j++) {
                    x.set(k, j, ((Number) r.get(inputColumns[j])).doubleValue());
                }
            }
            p = ok.isEmpty() ? new Matrix(0, c.numClasses()) : c.predictProba(x);
            classes = c.classNames();
        }
        int k = 0;
        for (int i = 0; i < batch.size(); i++) {
            Row r = batch.get(i);
            Object[] values = new Object[r.length() + 1 + classes.size()];
            for (int j = 0; j < r.length(); j++) {
                values[j] = r.get(j);
            }
            if (k < ok.size() && ok.get(k) == i) {
                int best = 0;
                for (int c = 0; c < classes.size(); c++) {
                    values[r.length() + 1 + c] = p.get(k, c);
                    if (p.get(k, c) > p.get(k, best)) {
                        best = c;
                    }
                }
                values[r.length()] = classes.get(best);
                k++;
            }
            out.add(RowFactory.create(values));
        }
    }
}
