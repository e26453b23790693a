package org.botsec.federated.internal;

import java.util.SplittableRandom;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.PerExampleGradients;

/**
 * Local minibatch SGD of one client (McMahan et al. 2017, ClientUpdate): E epochs over the client's rows in
 * batches of B; with μ &gt; 0 the FedProx proximal term μ(w − w_global) is added to each gradient (Li et al. 2020).
 * One instance per worker; it reuses its buffers across clients and batches (the batch rows are copied into one
 * reusable matrix, not selected into a new one per batch).
 */
public final class LocalTrainer {
    private final PerExampleGradients model;
    private final double[] params;
    private final double[] grad;

    /** A reusable batch: rows, labels and the 1/b weights (one per batch size: the full one and a remainder). */
    private static final class Batch {
        final double[] x;
        final int[] y;
        final double[] w;
        final Matrix matrix;

        Batch(int b, int d) {
            x = new double[b * d];
            y = new int[b];
            w = new double[b];
            java.util.Arrays.fill(w, 1.0 / b);
            matrix = new Matrix(b, d, x);
        }
    }

    private Batch full;
    private Batch remainder;

    private Batch batch(int b, int d) {
        for (Batch k : new Batch[] {full, remainder}) {
            if (k != null && k.y.length == b && k.x.length == b * d) {
                return k;
            }
        }
        Batch created = new Batch(b, d);
        if (full == null || full.y.length < b) {
            full = created;
        } else {
            remainder = created;
        }
        return created;
    }

    public LocalTrainer(PerExampleGradients model) {
        this.model = model;
        this.params = new double[model.numParameters()];
        this.grad = new double[model.numParameters()];
    }

    /**
     * Trains from {@code global} on {@code rows} of {@code data} and writes local − global into {@code deltaOut}.
     */
    public void train(Dataset data, int[] rows, double[] global, int epochs, int batchSize, double learningRate,
                      double mu, SplittableRandom random, double[] deltaOut) {
        System.arraycopy(global, 0, params, 0, params.length);
        int n = rows.length;
        int[] order = rows.clone();
        int[] labels = data.y();
        for (int e = 0; e < epochs; e++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < n; start += batchSize) {
                int b = Math.min(batchSize, n - start);
                Batch batch = batch(b, data.numFeatures());
                double[] src = data.x().data();
                int d = data.numFeatures();
                for (int i = 0; i < b; i++) {
                    int row = order[start + i];
                    System.arraycopy(src, row * d, batch.x, i * d, d);
                    batch.y[i] = labels[row];
                }
                model.setParameters(params);
                model.weightedGradientSum(batch.matrix, batch.y, batch.w, grad);
                if (mu > 0) {
                    for (int j = 0; j < params.length; j++) {
                        params[j] -= learningRate * (grad[j] + mu * (params[j] - global[j]));
                    }
                } else {
                    for (int j = 0; j < params.length; j++) {
                        params[j] -= learningRate * grad[j];
                    }
                }
            }
        }
        for (int j = 0; j < params.length; j++) {
            deltaOut[j] = params[j] - global[j];
        }
    }
}
