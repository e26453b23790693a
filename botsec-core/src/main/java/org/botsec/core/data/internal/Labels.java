package org.botsec.core.data.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.botsec.core.BadInputException;

/**
 * Turns label strings into class indices. Class names are the sorted distinct values, numbers before words
 * and numbers compared by value ({@code 2 < 10}), so that {@code 0/1} labels map to index 0/1.
 */
public final class Labels {
    /** Numeric-aware order: numbers by value (ties by text), then non-numbers alphabetically. */
    public static final Comparator<String> NUMERIC_AWARE = (a, b) -> {
        Double da = parseNumber(a);
        Double db = parseNumber(b);
        if (da != null && db != null) {
            int c = Double.compare(da, db);
            return c != 0 ? c : a.compareTo(b);
        }
        if (da != null) {
            return -1;
        }
        if (db != null) {
            return 1;
        }
        return a.compareTo(b);
    };

    private final List<String> classNames;
    private final int[] y;

    private Labels(List<String> classNames, int[] y) {
        this.classNames = classNames;
        this.y = y;
    }

    private static Double parseNumber(String s) {
        if (!Numbers.looksNumeric(s)) {
            return null;
        }
        double v = Double.parseDouble(s);
        return Double.isFinite(v) ? v : null;
    }

    /**
     * Encodes {@code values}; fails when fewer than two classes occur.
     *
     * @param source name of the data, for the message
     * @param column label column name, for the message
     */
    public static Labels encode(List<String> values, String source, String column) {
        TreeSet<String> distinct = new TreeSet<>(NUMERIC_AWARE);
        distinct.addAll(values);
        if (distinct.size() < 2) {
            throw BadInputException.of("%s: label column '%s' has a single class %s; need at least two",
                    source, column, distinct.isEmpty() ? "(none)" : "'" + distinct.first() + "'");
        }
        List<String> names = new ArrayList<>(distinct);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        int[] y = new int[values.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = index.get(values.get(i));
        }
        return new Labels(List.copyOf(names), y);
    }

    /**
     * Replaces the label values by readable names ({@code "0" -> "malignant"}); every value must be mapped.
     */
    public Labels rename(Map<String, String> readable) {
        List<String> out = new ArrayList<>(classNames.size());
        for (String c : classNames) {
            String r = readable.get(c);
            if (r == null) {
                throw new IllegalStateException("no readable name for label value '" + c + "'");
            }
            out.add(r);
        }
        return new Labels(List.copyOf(out), y);
    }

    public List<String> classNames() {
        return classNames;
    }

    public int[] y() {
        return y;
    }
}
