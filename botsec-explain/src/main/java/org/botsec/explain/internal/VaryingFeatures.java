package org.botsec.explain.internal;

import java.util.Arrays;
import org.botsec.core.linalg.Matrix;

/**
 * The features that SHAP spreads the output over: those whose value differs from some background row (shap's
 * {@code varying_groups}, with numpy's {@code isclose} tolerances). A feature equal to every background row's
 * value changes no synthetic row, so its Shapley value is 0 and it is left out of the coalitions.
 */
public final class VaryingFeatures {
    private VaryingFeatures() {
    }

    /** Columns of {@code x} that differ from some background row (rtol 1e-5, atol 1e-8, as numpy). */
    public static int[] of(double[] x, Matrix background) {
        int[] out = new int[x.length];
        int m = 0;
        for (int j = 0; j < x.length; j++) {
            for (int r = 0; r < background.rows(); r++) {
                double b = background.get(r, j);
                if (Math.abs(x[j] - b) > 1e-8 + 1e-5 * Math.abs(b)) {
                    out[m++] = j;
                    break;
                }
            }
        }
        return Arrays.copyOf(out, m);
    }
}
