package org.botsec.core.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;

/**
 * Fits data to a model: the one rule every command uses (eval, predict, explain, attack, audit), so the same mistake
 * gives the same message everywhere. The data must have every feature the model was trained on, by name (any
 * order; extra columns are ignored); every selected value must be a finite number; the data's labels must be
 * classes of the model.
 */
public final class ModelInputs {
    private ModelInputs() {
    }

    /**
     * The columns named {@code modelFeatures}, in that order, from a table whose columns are {@code header}.
     *
     * @param source how the user named the data, for messages
     */
    public static Matrix selectFeatures(Matrix table, List<String> header, List<String> modelFeatures, String source) {
        if (header.equals(modelFeatures)) {
            checkFinite(table, modelFeatures, source);
            return table;
        }
        Map<String, Integer> at = new HashMap<>();
        for (int j = 0; j < header.size(); j++) {
            at.putIfAbsent(header.get(j), j);
        }
        int[] index = new int[modelFeatures.size()];
        for (int j = 0; j < index.length; j++) {
            Integer i = at.get(modelFeatures.get(j));
            if (i == null) {
                throw BadInputException.of("%s has no column '%s' (the model expects %d features: %s)", source,
                        excerpt(modelFeatures.get(j)), modelFeatures.size(), abbreviate(modelFeatures));
            }
            index[j] = i;
        }
        Matrix out = new Matrix(table.rows(), index.length);
        for (int r = 0; r < table.rows(); r++) {
            for (int j = 0; j < index.length; j++) {
                out.set(r, j, table.get(r, index[j]));
            }
        }
        checkFinite(out, modelFeatures, source);
        return out;
    }

    /** The data's label indices mapped to the model's class indices, by class name. */
    public static int[] remapLabels(int[] y, List<String> dataClasses, List<String> modelClasses, String source) {
        if (dataClasses.equals(modelClasses)) {
            return y;
        }
        int[] map = new int[dataClasses.size()];
        for (int c = 0; c < map.length; c++) {
            map[c] = modelClasses.indexOf(dataClasses.get(c));
            if (map[c] < 0) {
                throw BadInputException.of("label '%s' in %s is not a class of the model (classes: %s)",
                        excerpt(dataClasses.get(c)), source, abbreviate(modelClasses));
            }
        }
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = map[y[i]];
        }
        return out;
    }

    /** The data set with the model's features in the model's order and labels as the model's class indices. */
    public static Dataset forModel(Dataset data, List<String> modelFeatures, List<String> modelClasses, String source) {
        Matrix x = selectFeatures(data.x(), data.featureNames(), modelFeatures, source);
        int[] y = remapLabels(data.y(), data.classNames(), modelClasses, source);
        return new Dataset(x, y, modelFeatures, modelClasses, data.sha256());
    }

    private static void checkFinite(Matrix x, List<String> names, String source) {
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                if (!Double.isFinite(x.get(i, j))) {
                    throw BadInputException.of("%s row %d, column '%s': not a finite number", source, i + 1,
                            excerpt(names.get(j)));
                }
            }
        }
    }

    static String abbreviate(List<String> names) {
        if (names.size() <= 6) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, 5)) + ", ... (" + names.size() + " in all)";
    }

    static String excerpt(String s) {
        String t = s.replaceAll("\\s+", " ");
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }
}
