package org.botsec.attack.evasion;

import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;

/**
 * The values a model's inputs may take (for images usually [0, 1]); attacks clip every step into it, as IBM ART's
 * {@code clip_values}. Unbounded ends are infinite.
 *
 * @param min smallest allowed value
 * @param max largest allowed value, &gt; min
 */
public record ValueRange(double min, double max) {
    /** Pixels scaled to [0, 1], the scale of BotSec's built-in image sets. */
    public static final ValueRange UNIT = new ValueRange(0.0, 1.0);
    /** No bounds (tabular features). */
    public static final ValueRange UNBOUNDED = new ValueRange(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    public ValueRange {
        if (Double.isNaN(min) || Double.isNaN(max) || !(min < max)) {
            throw BadInputException.of("value range must have min < max, got [%s, %s]", min, max);
        }
    }

    /** True when both ends are finite. */
    public boolean bounded() {
        return Double.isFinite(min) && Double.isFinite(max);
    }

    /** Rejects the first value outside the range (or not finite) with a line naming row, column and value. */
    public void check(Matrix x, String what) {
        double[] a = x.data();
        int d = x.cols();
        // The smallest and largest values first (a loop C2 vectorises; Math.min/max propagate NaN): when both are
        // finite and inside, every value is; otherwise the loop below finds the first offender for the message.
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (a.length == 0 || (lo >= min && hi <= max && Double.isFinite(lo) && Double.isFinite(hi))) {
            return;
        }
        for (int k = 0; k < a.length; k++) {
            double v = a[k];
            if (!(v >= min && v <= max) || !Double.isFinite(v)) {
                throw BadInputException.of("%s row %d feature %d has value %s outside "
                        + "the model's value range %s", what, k / d, k % d, v, this);
            }
        }
    }

    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
