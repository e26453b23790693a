package org.botsec.attack.evasion;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleFunction;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.GradientModel;

/**
 * Robust accuracy as a function of the budget ε: the same attack run at each ε on the same rows (the curve of
 * Madry et al. 2018, Fig. 2, and of most robustness reports). Points are in the order given.
 *
 * @param points one point per ε
 */
public record RobustnessCurve(List<Point> points) {
    /** Most ε values in one curve. */
    public static final int MAX_POINTS = 100;

    public RobustnessCurve {
        points = List.copyOf(points);
    }

    /**
     * One ε of the curve.
     *
     * @param epsilon        the budget
     * @param robustAccuracy accuracy on the adversarial rows
     * @param successRate    fraction of correctly classified rows the attack flipped
     * @param result         the full run
     */
    public record Point(double epsilon, double robustAccuracy, double successRate, EvasionResult result) {
        public Point {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * Runs {@code attackAt.apply(ε)} for every ε.
     *
     * @param epsilons the budgets, each ≥ 0
     * @param attackAt builds the attack for one ε (e.g. {@code e -> GradientAttack.pgd().epsilon(e).build()})
     */
    public static RobustnessCurve of(double[] epsilons, DoubleFunction<GradientAttack> attackAt, GradientModel model,
            Matrix x, int[] labels) {
        if (epsilons.length == 0 || epsilons.length > MAX_POINTS) {
            throw BadInputException.of("a robustness curve needs 1 to %d epsilon values, got %d", MAX_POINTS,
                    epsilons.length);
        }
        List<Point> out = new ArrayList<>();
        for (double e : epsilons) {
            EvasionResult r = attackAt.apply(e).run(model, x, labels);
            out.add(new Point(e, r.metrics().robustAccuracy(), r.metrics().successRate(), r));
        }
        return new RobustnessCurve(out);
    }
}
