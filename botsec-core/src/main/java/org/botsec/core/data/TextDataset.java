package org.botsec.core.data;

import java.util.List;

/**
 * A labelled text data set ({@code text,label} CSV).
 *
 * @param texts      one text per example
 * @param y          class index per text
 * @param classNames class names, index = label value
 * @param sha256     SHA-256 (hex) of the source bytes, for provenance
 */
public record TextDataset(List<String> texts, int[] y, List<String> classNames, String sha256) {
    public TextDataset {
        if (texts.size() != y.length) {
            throw new IllegalArgumentException("texts (" + texts.size() + ") and labels (" + y.length + ") differ");
        }
        texts = List.copyOf(texts);
        classNames = List.copyOf(classNames);
    }

    public int size() {
        return y.length;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** The examples at {@code indices}, in that order (provenance hash kept). */
    public TextDataset subset(int[] indices) {
        String[] t = new String[indices.length];
        int[] ys = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            t[i] = texts.get(indices[i]);
            ys[i] = y[indices[i]];
        }
        return new TextDataset(java.util.Arrays.asList(t), ys, classNames, sha256);
    }
}
