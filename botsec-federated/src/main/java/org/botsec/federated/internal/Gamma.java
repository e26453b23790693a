package org.botsec.federated.internal;

import java.util.SplittableRandom;

/**
 * Gamma(shape, 1) variates by Marsaglia and Tsang (2000), "A Simple Method for Generating Gamma Variables"; for
 * shape &lt; 1 the boost G(a) = G(a + 1) · U^(1/a) from the same paper.
 */
public final class Gamma {
    private Gamma() {
    }

    /** One Gamma(shape, 1) draw; shape &gt; 0. */
    public static double sample(double shape, SplittableRandom random) {
        if (!(shape > 0)) {
            throw new IllegalArgumentException("shape must be > 0, got " + shape);
        }
        if (shape < 1) {
            double u = random.nextDouble();
            return sample(shape + 1, random) * Math.pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) {
                return d * v;
            }
            if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
