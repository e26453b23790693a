package org.botsec.federated.internal;

import org.botsec.federated.Strategy;

/** The server update of a {@link Strategy}, with its state (FedAdam/FedYogi moments). */
public final class ServerOptimizer {
    private final Strategy strategy;
    private final double[] m;
    private final double[] v;

    public ServerOptimizer(Strategy strategy, int numParameters) {
        this.strategy = strategy;
        boolean adaptive = strategy instanceof Strategy.FedAdam || strategy instanceof Strategy.FedYogi;
        this.m = adaptive ? new double[numParameters] : null;
        this.v = adaptive ? new double[numParameters] : null;
        if (adaptive) {
            double tau = strategy instanceof Strategy.FedAdam a ? a.tau() : ((Strategy.FedYogi) strategy).tau();
            java.util.Arrays.fill(v, tau * tau);
        }
    }

    /** The first and second moment estimates of FedAdam/FedYogi (copies), empty for the other strategies. */
    public java.util.Optional<double[][]> moments() {
        return m == null ? java.util.Optional.empty() : java.util.Optional.of(new double[][] {m.clone(), v.clone()});
    }

    /** Restores the moments saved by {@link #moments()} (a checkpoint); lengths must match the model. */
    public void restoreMoments(double[] first, double[] second) {
        if (m == null || first.length != m.length || second.length != v.length) {
            throw new IllegalArgumentException("moments do not fit this strategy and model");
        }
        System.arraycopy(first, 0, m, 0, m.length);
        System.arraycopy(second, 0, v, 0, v.length);
    }

    /** Moves {@code global} by the aggregated {@code delta} (the pseudo-gradient's negative). */
    public void step(double[] global, double[] delta) {
        if (strategy instanceof Strategy.FedAdam a) {
            adaptive(global, delta, a.eta(), a.beta1(), a.beta2(), a.tau(), false);
        } else if (strategy instanceof Strategy.FedYogi y) {
            adaptive(global, delta, y.eta(), y.beta1(), y.beta2(), y.tau(), true);
        } else {
            for (int j = 0; j < global.length; j++) {
                global[j] += delta[j];
            }
        }
    }

    private void adaptive(double[] x, double[] d, double eta, double b1, double b2, double tau, boolean yogi) {
        for (int j = 0; j < x.length; j++) {
            double dj = d[j];
            m[j] = b1 * m[j] + (1 - b1) * dj;
            double d2 = dj * dj;
            if (yogi) {
                v[j] = v[j] - (1 - b2) * d2 * Math.signum(v[j] - d2);
            } else {
                v[j] = b2 * v[j] + (1 - b2) * d2;
            }
            x[j] += eta * m[j] / (Math.sqrt(v[j]) + tau);
        }
    }
}
