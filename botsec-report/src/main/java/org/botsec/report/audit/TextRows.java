package org.botsec.report.audit;

import java.util.ArrayList;
import java.util.List;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.TextClassifier;

/**
 * A text model seen as a {@link Classifier} over text numbers: row {@code i} of the input holds the number of a
 * text in a fixed list, and the answer is the text model's probabilities for that text. It lets the black-box
 * checks (accuracy, membership inference, the privacy audit) run on a text model without a second code path; it
 * has no meaningful features or gradients, so feature-based checks must not use it (see {@link AuditContext}).
 */
final class TextRows implements Classifier {
    static final String FEATURE = "text_number";

    private final TextClassifier model;
    private final List<String> texts;

    TextRows(TextClassifier model, List<String> texts) {
        this.model = model;
        this.texts = List.copyOf(texts);
    }

    @Override
    public Matrix predictProba(Matrix x) {
        if (x.cols() != 1) {
            throw new IllegalArgumentException("text numbers come one per row, got " + x.cols() + " columns");
        }
        List<String> batch = new ArrayList<>(x.rows());
        for (int i = 0; i < x.rows(); i++) {
            double v = x.get(i, 0);
            int k = (int) v;
            if (k != v || k < 0 || k >= texts.size()) {
                throw new IllegalArgumentException("no text number " + v + " (0 to " + (texts.size() - 1) + ")");
            }
            batch.add(texts.get(k));
        }
        return model.predictProba(batch);
    }

    @Override
    public List<String> classNames() {
        return model.classNames();
    }

    @Override
    public int numFeatures() {
        return 1;
    }

    @Override
    public List<String> featureNames() {
        return List.of(FEATURE);
    }
}
