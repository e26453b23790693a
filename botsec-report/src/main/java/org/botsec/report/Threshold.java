package org.botsec.report;

import java.util.Locale;
import java.util.Objects;
import org.botsec.core.BadInputException;

/**
 * A pass/fail rule on one measured metric of a check, e.g. {@code robust_accuracy >= 0.5} or {@code auc <= 0.6}.
 *
 * @param metric    the metric's snake_case name in the check's metrics
 * @param direction whether the measured value must be at least or at most {@code value}
 * @param value     the bound
 */
public record Threshold(String metric, Direction direction, double value) {

    /** Which side of the bound passes. */
    public enum Direction {
        AT_LEAST(">="), AT_MOST("<=");

        private final String symbol;

        Direction(String symbol) {
            this.symbol = symbol;
        }

        /** {@code >=} or {@code <=}. */
        public String symbol() {
            return symbol;
        }
    }

    public Threshold {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(direction, "direction");
        if (!Double.isFinite(value)) {
            throw BadInputException.of("threshold for %s must be finite, got %s", metric, value);
        }
    }

    /** True when {@code measured} satisfies this threshold (NaN never does: a missing measurement fails closed). */
    public boolean passes(double measured) {
        if (Double.isNaN(measured)) {
            return false;
        }
        return direction == Direction.AT_LEAST ? measured >= value : measured <= value;
    }

    /** E.g. {@code robust_accuracy >= 0.5}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s %s", metric, direction.symbol(), value);
    }
}
