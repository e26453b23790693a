package org.botsec.privacy.internal;

import org.botsec.core.train.Optimizer;

/**
 * The first-order updates DP-SGD feeds with private gradients: SGD, SGD with (heavy-ball) momentum, and Adam
 * (Kingma and Ba 2015). Used until core's optimisers are available on this branch; each instance keeps its
 * own state and is not thread-safe.
 */
public final class Optimizers {
    private Optimizers() {
    }

    /** θ ← θ - lr·g. */
    public static Optimizer sgd(double learningRate) {
        return (p, g) -> {
            for (int i = 0; i < p.length; i++) {
                p[i] -= learningRate * g[i];
            }
        };
    }

    /** v ← μv + g; θ ← θ - lr·v (PyTorch's convention). */
    public static Optimizer momentum(double learningRate, double momentum) {
        return new Optimizer() {
            private double[] v;

            @Override
            public void step(double[] p, double[] g) {
                if (v == null) {
                    v = new double[p.length];
                }
                for (int i = 0; i < p.length; i++) {
                    v[i] = momentum * v[i] + g[i];
                    p[i] -= learningRate * v[i];
                }
            }
        };
    }

    /** Adam with bias correction: m, v moving averages of g and g²; θ ← θ - lr·m̂/(√v̂ + ε). */
    public static Optimizer adam(double learningRate, double beta1, double beta2, double epsilon) {
        return new Optimizer() {
            private double[] m;
            private double[] v;
            private long t;

            @Override
            public void step(double[] p, double[] g) {
                if (m == null) {
                    m = new double[p.length];
                    v = new double[p.length];
                }
                t++;
                double c1 = 1 - Math.pow(beta1, t);
                double c2 = 1 - Math.pow(beta2, t);
                for (int i = 0; i < p.length; i++) {
                    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                    double mHat = m[i] / c1;
                    double vHat = v[i] / c2;
                    p[i] -= learningRate * mHat / (Math.sqrt(vHat) + epsilon);
                }
            }
        };
    }
}
