package org.botsec.core.model;

import java.util.Arrays;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.linalg.Softmax;
import org.botsec.core.model.internal.linear.CsrDesign;
import org.botsec.core.text.SparseMatrix;
import org.botsec.core.text.TfidfVectorizer;

/**
 * A text classifier: {@link TfidfVectorizer} features followed by a {@link LinearModel}, as scikit-learn's
 * {@code make_pipeline(TfidfVectorizer(), LogisticRegression())}. Training and prediction use sparse TF-IDF rows,
 * so a corpus of thousands of sentences trains in well under a second. Model type {@value #TYPE}; the model file
 * keeps the vocabulary (description {@code vocabulary}, terms in column order) and the idf (tensor {@code idf}).
 * Immutable and thread-safe.
 */
public final class TextPipeline implements TextClassifier, Model {
    /** Model type name in model files. */
    public static final String TYPE = "text_logistic_regression";

    private final TfidfVectorizer vectorizer;
    private final LinearModel model;

    /** Combines a vectorizer with a linear model over its columns (no standardiser). */
    public TextPipeline(TfidfVectorizer vectorizer, LinearModel model) {
        if (model.numFeatures() != vectorizer.numFeatures()) {
            throw new IllegalArgumentException("model has " + model.numFeatures() + " features but the vocabulary "
                    + vectorizer.numFeatures() + " terms");
        }
        if (model.scaler().isPresent()) {
            throw new IllegalArgumentException("a text pipeline's linear model must not have a standardiser");
        }
        this.vectorizer = vectorizer;
        this.model = model;
    }

    /** Fits the vocabulary and idf on {@code data}'s texts, then the logistic regression on their TF-IDF rows. */
    public static TextPipeline fit(TextDataset data, LogisticRegression lr) {
        if (lr.standardize()) {
            throw new IllegalArgumentException("standardize is not supported for TF-IDF features");
        }
        TfidfVectorizer v;
        try {
            v = TfidfVectorizer.fit(data.texts());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("cannot train a text model: " + e.getMessage());
        }
        SparseMatrix x = v.transformSparse(data.texts());
        LinearModel m = lr.fit(design(x), data.y(), data.classNames(), v.terms(), data.sha256(), null);
        return new TextPipeline(v, m);
    }

    private static CsrDesign design(SparseMatrix x) {
        return new CsrDesign(x.rows(), x.cols(), x.indptr(), x.indices(), x.values());
    }

    public TfidfVectorizer vectorizer() {
        return vectorizer;
    }

    public LinearModel linearModel() {
        return model;
    }

    @Override
    public List<String> classNames() {
        return model.classNames();
    }

    @Override
    public Matrix predictProba(List<String> texts) {
        SparseMatrix x = vectorizer.transformSparse(texts);
        int r = model.coefRows();
        double[] w = model.coef().data();
        double[] b = model.intercept();
        double[] z = new double[x.rows() * r];
        design(x).scores(w, r, z);
        for (int i = 0; i < x.rows(); i++) {
            for (int c = 0; c < r; c++) {
                z[i * r + c] += b[c];
            }
        }
        return Softmax.probabilities(new Matrix(x.rows(), r, z), model.numClasses());
    }

    @Override
    public String type() {
        return TYPE;
    }

}
