package org.botsec.explain;

import org.botsec.core.model.Classifier;

/** Public access to the SHAP golden case for tests in other packages. */
public final class ShapGoldenAccess {
    private final ShapGolden golden = new ShapGolden();

    public Classifier classifier() {
        return golden.classifier();
    }

    public Background background() {
        return golden.background();
    }

    public double[] row(int i) {
        return golden.data.row(i);
    }
}
