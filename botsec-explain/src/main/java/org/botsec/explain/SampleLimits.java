package org.botsec.explain;

import org.botsec.core.BadInputException;

/**
 * The one rule for how many samples an explanation may draw — LIME's neighbourhood (text, tabular, image) and Kernel
 * SHAP's coalitions — used by the explainers and by every CLI option that sets it ({@code --num-samples},
 * {@code --nsamples}, {@code --attribution-nsamples}).
 *
 * <p>The limit comes from memory: each method holds the samples as a dense matrix of {@code samples × columns}
 * doubles (LIME: one column per word, feature or image segment; Kernel SHAP: one per feature, its regression design),
 * so {@code samples × columns} may be at most {@value #MAX_VALUES} values (400 MB), and never more than
 * {@value #MAX_SAMPLES} samples; at least {@value #MIN_SAMPLES} (a weighted fit needs two points). Running time
 * grows with the samples too (one model prediction each, times the background rows for SHAP), which these limits
 * do not bound.
 */
public final class SampleLimits {
    /** Fewest samples: a local fit needs at least two points. */
    public static final int MIN_SAMPLES = 2;
    /** Most samples, whatever the width. */
    public static final int MAX_SAMPLES = 2_000_000;
    /** Most {@code samples × columns} values held at once: 50,000,000 doubles = 400 MB. */
    public static final long MAX_VALUES = 50_000_000L;

    private SampleLimits() {
    }

    /** The largest sample count allowed for {@code columns} columns. */
    public static int maxSamples(long columns) {
        return (int) Math.max(MIN_SAMPLES, Math.min(MAX_SAMPLES, MAX_VALUES / Math.max(1, columns)));
    }

    /**
     * Checks {@code samples} against {@link #maxSamples(long)}; {@code what} names the setting (e.g.
     * {@code --num-samples}) and {@code columnsWhat} the columns (e.g. {@code words}) in the one-line error.
     *
     * @throws BadInputException when {@code samples} is outside {@code [MIN_SAMPLES, maxSamples(columns)]}
     */
    public static int check(String what, long samples, long columns, String columnsWhat) {
        int max = maxSamples(columns);
        if (samples < MIN_SAMPLES || samples > max) {
            throw BadInputException.of("%s must be in [%d, %d] for %d %s (samples × %s at most %d values, and at most "
                    + "%d samples), got %d", what, MIN_SAMPLES, max, columns, columnsWhat, columnsWhat, MAX_VALUES,
                    MAX_SAMPLES, samples);
        }
        return (int) samples;
    }
}
