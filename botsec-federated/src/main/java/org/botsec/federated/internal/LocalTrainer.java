package org.botsec.federated.internal;

import java.util.SplittableRandom;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.PerExampleGradients;

/**
 * Local minibatch SGD of one client (McMahan et al. 2017, ClientUpdate): E epochs over the client's rows in
 * batches of B; with μ &gt; 0 the FedProx proximal term μ(w − w_global) is added to each gradient (Li et al. 2020).
 * One instance per worker; it reuses its buffers across clients.
 */
public final class LocalTrainer {
    private final PerExampleGradients model;
    private final double[] params;
    private final double[] grad;

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
                int[] idx = new int[b];
                int[] y = new int[b];
                double[] w = new double[b];
                for (int i = 0; i < b; i++) {
                    idx[i] = order[start + i];
                    y[i] = labels[idx[i]];
                    w[i] = 1.0 / b;
                }
                Matrix xb = data.x().selectRows(idx);
                model.setParameters(params);
                model.weightedGradientSum(xb, y, w, grad);
                for (int j = 0; j < params.length; j++) {
                    double g = grad[j];
                    if (mu > 0) {
                        g += mu * (params[j] - global[j]);
                    }
                    params[j] -= learningRate * g;
                }
            }
        }
        for (int j = 0; j < params.length; j++) {
            deltaOut[j] = params[j] - global[j];
        }
    }
}
