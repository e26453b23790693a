package org.botsec.attack.inference.internal;

import org.botsec.core.linalg.Matrix;

/** Per-record signals read from a model's class probabilities. */
public final class Signals {
    /** Probabilities are clamped to [FLOOR, 1 − FLOOR] before logs, as Carlini et al.'s code adds 1e-45 in float32. */
    private static final double FLOOR = 1e-300;

    private Signals() {
    }

    /** log p_y for each row: minus the cross-entropy loss. */
    public static double[] logTrueClassProbability(Matrix proba, int[] y) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Math.log(Math.max(FLOOR, proba.get(i, y[i])));
        }
        return out;
    }

    /** The largest probability of each row. */
    public static double[] maxProbability(Matrix proba) {
        double[] out = new double[proba.rows()];
        for (int i = 0; i < out.length; i++) {
            double m = 0;
            for (int c = 0; c < proba.cols(); c++) {
                m = Math.max(m, proba.get(i, c));
            }
            out[i] = m;
        }
        return out;
    }

    /**
     * The logit-scaled confidence φ = log p_y − log Σ_{j≠y} p_j (Carlini et al. 2022, §IV-B, eq. 4): it makes the
     * distribution of confidences over shadow models close to Gaussian. The other classes' mass is summed directly
     * rather than as 1 − p_y so that confident predictions keep their precision.
     */
    public static double[] logitConfidence(Matrix proba, int[] y) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double rest = 0;
            for (int c = 0; c < proba.cols(); c++) {
                if (c != y[i]) {
                    rest += proba.get(i, c);
                }
            }
            out[i] = Math.log(Math.max(FLOOR, proba.get(i, y[i]))) - Math.log(Math.max(FLOOR, rest));
        }
        return out;
    }
}
