package org.botsec.core.model;

import java.util.List;
import org.botsec.core.linalg.Matrix;

/** A model that gives class probabilities for raw texts (e.g. the TF-IDF + logistic regression pipeline). */
public interface TextClassifier {
    /** Probabilities, one row per text and one column per class; rows sum to 1. */
    Matrix predictProba(List<String> texts);

    /** Class names, in the column order of {@link #predictProba}. */
    List<String> classNames();

    default int numClasses() {
        return classNames().size();
    }
}
