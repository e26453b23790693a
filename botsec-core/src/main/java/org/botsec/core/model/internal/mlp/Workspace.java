package org.botsec.core.model.internal.mlp;

import org.botsec.core.linalg.Matrix;

/**
 * Buffers for one batch size: the output of every layer (hidden activations after ReLU, then the softmax
 * probabilities) and the back-propagated signal of every layer. Reused across calls so that the hot loops of
 * training allocate nothing per example.
 */
public final class Workspace {
    private final int batchSize;
    /** outputs[l]: n × layerSizes[l+1]; hidden layers hold ReLU(z), the last holds softmax(z). */
    private final Matrix[] outputs;
    /** deltas[l]: n × layerSizes[l+1]; ∂loss/∂z of layer l, row by row. */
    private final Matrix[] deltas;
    /** Per-row cross-entropy of the last forward pass that was given labels. */
    private final double[] losses;

    public Workspace(int[] layerSizes, int batchSize) {
        this.batchSize = batchSize;
        int numLayers = layerSizes.length - 1;
        outputs = new Matrix[numLayers];
        deltas = new Matrix[numLayers];
        for (int l = 0; l < numLayers; l++) {
            outputs[l] = new Matrix(batchSize, layerSizes[l + 1]);
            deltas[l] = new Matrix(batchSize, layerSizes[l + 1]);
        }
        losses = new double[batchSize];
    }

    public int batchSize() {
        return batchSize;
    }

    public Matrix output(int layer) {
        return outputs[layer];
    }

    public Matrix delta(int layer) {
        return deltas[layer];
    }

    public double[] losses() {
        return losses;
    }
}
