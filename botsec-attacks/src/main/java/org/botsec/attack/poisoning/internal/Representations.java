package org.botsec.attack.poisoning.internal;

import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.Tensor;

/**
 * The learned representation the poisoning detectors look at: for an {@link Mlp}, the activations of its last
 * hidden layer (the penultimate layer, as in Tran et al. 2018 and Chen et al. 2018), computed from the model's
 * published weights ({@link Mlp#state()}: {@code layers.l.weight} out×in, {@code layers.l.bias}) with the same
 * z = a·Wᵀ + b and ReLU as {@code Mlp}'s forward pass; for any other classifier (no hidden layer), the input
 * features themselves.
 */
public final class Representations {
    private Representations() {
    }

    /** A short description of which representation {@link #of} uses for {@code model}. */
    public static String describe(Classifier model) {
        if (model instanceof Mlp m && m.layerSizes().length > 2) {
            int[] s = m.layerSizes();
            return "last hidden layer (" + s[s.length - 2] + " ReLU units)";
        }
        return "input features (the model has no hidden layer)";
    }

    /** The representation of each row of {@code x}, n × width. */
    public static Matrix of(Classifier model, Matrix x) {
        if (!(model instanceof Mlp m) || m.layerSizes().length <= 2) {
            return x.copy();
        }
        int[] sizes = m.layerSizes();
        ModelState state = org.botsec.core.io.ModelRegistry.state(m);
        // the network's first layer sees standardised inputs when the model carries a standardiser
        Matrix a = m.scaler().map(sc -> sc.transform(x)).orElse(x);
        for (int l = 0; l < sizes.length - 2; l++) {
            Tensor w = state.tensors().get("layers." + l + ".weight");
            Tensor b = state.tensors().get("layers." + l + ".bias");
            Matrix weight = new Matrix(sizes[l + 1], sizes[l], w.values());
            Matrix z = new Matrix(a.rows(), sizes[l + 1]);
            Matrix.gemm(false, true, 1.0, a, weight, 0.0, z);
            double[] zd = z.data();
            double[] bias = b.values();
            int width = sizes[l + 1];
            for (int i = 0; i < zd.length; i++) {
                zd[i] = Math.max(0.0, zd[i] + bias[i % width]);
            }
            a = z;
        }
        return a;
    }
}
