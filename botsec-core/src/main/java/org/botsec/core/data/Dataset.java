package org.botsec.core.data;

import java.util.List;
import org.botsec.core.linalg.Matrix;

/**
 * A labelled numeric data set: feature rows, a class index per row, and the names of both.
 *
 * @param x            features, n × d
 * @param y            class index per row, in [0, classNames.size())
 * @param featureNames d names
 * @param classNames   class names, index = label value
 * @param sha256       SHA-256 (hex) of the bytes it was loaded from, for provenance; may be empty when derived
 */
public record Dataset(Matrix x, int[] y, List<String> featureNames, List<String> classNames, String sha256) {
    public Dataset {
        if (y.length != x.rows()) {
            throw new IllegalArgumentException("labels (" + y.length + ") and rows (" + x.rows() + ") differ");
        }
        if (featureNames.size() != x.cols()) {
            throw new IllegalArgumentException(
                    "feature names (" + featureNames.size() + ") and columns (" + x.cols() + ") differ");
        }
        featureNames = List.copyOf(featureNames);
        classNames = List.copyOf(classNames);
    }

    public int size() {
        return y.length;
    }

    public int numFeatures() {
        return x.cols();
    }

    public int numClasses() {
        return classNames.size();
    }

    /** The rows at {@code indices}, in that order (provenance hash kept). */
    public Dataset subset(int[] indices) {
        int[] ys = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            ys[i] = y[indices[i]];
        }
        return new Dataset(x.selectRows(indices), ys, featureNames, classNames, sha256);
    }
}
