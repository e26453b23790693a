package org.botsec.core.data;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.botsec.core.BadInputException;

/**
 * Which rows of a data source a model was trained on, recorded in the model's provenance (parameter
 * {@value #PARAMETER}) so that the member set can be rebuilt later, e.g. by membership inference: every row
 * ({@link Selection#ALL}), the train part of a seeded {@link Splits#stratified stratified split}
 * ({@link Selection#STRATIFIED_SPLIT}, with its test fraction and seed), or the fixed train part of a built-in set
 * whose split is a file of its own ({@link Selection#BUILTIN_TRAIN_PART}: fashion_mnist's train10k).
 *
 * @param selection    how the rows were chosen
 * @param testFraction the held-out fraction of a stratified split, in (0, 1); 0 otherwise
 * @param seed         the split's shuffle seed; 0 when there is no split
 */
public record TrainRows(Selection selection, double testFraction, long seed) {
    /** The provenance parameter that holds {@link #toParameters()}. */
    public static final String PARAMETER = "train_rows";

    /** How the training rows were chosen. */
    public enum Selection {
        /** Every row of the source. */
        ALL,
        /** The train part of {@code Splits.stratified(y, testFraction, seed)} on the source's rows. */
        STRATIFIED_SPLIT,
        /** The fixed train part of a built-in set ({@code builtin:NAME:train}). */
        BUILTIN_TRAIN_PART;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TrainRows {
        if (selection == null) {
            throw new IllegalArgumentException("selection must not be null");
        }
        if (selection == Selection.STRATIFIED_SPLIT) {
            if (!(testFraction > 0 && testFraction < 1)) {
                throw BadInputException.of("test fraction of a split must be in (0, 1), got %s", testFraction);
            }
        } else if (testFraction != 0 || seed != 0) {
            throw new IllegalArgumentException(selection + " has no test fraction or seed");
        }
    }

    /** Every row. */
    public static TrainRows all() {
        return new TrainRows(Selection.ALL, 0, 0);
    }

    /** The train part of a stratified split with this test fraction in (0, 1) and seed. */
    public static TrainRows stratifiedSplit(double testFraction, long seed) {
        return new TrainRows(Selection.STRATIFIED_SPLIT, testFraction, seed);
    }

    /** The fixed train part of a built-in set that ships its split as separate files. */
    public static TrainRows builtinTrainPart() {
        return new TrainRows(Selection.BUILTIN_TRAIN_PART, 0, 0);
    }

    /**
     * The train and held-out row indices of a source with labels {@code y}, each ascending: for {@link
     * Selection#ALL} every row and no held-out rows.
     *
     * @throws IllegalStateException for {@link Selection#BUILTIN_TRAIN_PART}, whose rows come from a file of their
     *                               own (load {@code builtin:NAME:train})
     */
    public int[][] split(int[] y) {
        return switch (selection) {
            case ALL -> new int[][] {IntStream.range(0, y.length).toArray(), new int[0]};
            case STRATIFIED_SPLIT -> Splits.stratified(y, testFraction, seed);
            case BUILTIN_TRAIN_PART -> throw new IllegalStateException(
                    "the rows of a built-in train part are its own file; load builtin:NAME:train");
        };
    }

    /** JSON-friendly form for provenance parameters: {@code selection}, and for a split its fraction and seed. */
    public Map<String, Object> toParameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("selection", selection.key());
        if (selection == Selection.STRATIFIED_SPLIT) {
            m.put("test_fraction", testFraction);
            m.put("seed", seed);
            m.put("part", "train");
        }
        return m;
    }

    /**
     * Reads {@link #toParameters()} back from a provenance's parameters; empty when the model does not say
     * (trained before this was recorded, or imported).
     *
     * @throws BadInputException when the entry is present but malformed
     */
    public static Optional<TrainRows> fromParameters(Map<String, Object> parameters) {
        Object v = parameters.get(PARAMETER);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Map<?, ?> m) || !(m.get("selection") instanceof String s)) {
            throw BadInputException.of("provenance %s must be an object with a selection, got %s", PARAMETER, v);
        }
        for (Selection sel : Selection.values()) {
            if (sel.key().equals(s)) {
                if (sel != Selection.STRATIFIED_SPLIT) {
                    return Optional.of(new TrainRows(sel, 0, 0));
                }
                if (!(m.get("test_fraction") instanceof Number f) || !(m.get("seed") instanceof Number seed)) {
                    throw BadInputException.of("provenance %s: a stratified split needs test_fraction and seed, "
                            + "got %s", PARAMETER, v);
                }
                return Optional.of(stratifiedSplit(f.doubleValue(), seed.longValue()));
            }
        }
        throw BadInputException.of("provenance %s: unknown selection '%s'", PARAMETER, s);
    }
}
