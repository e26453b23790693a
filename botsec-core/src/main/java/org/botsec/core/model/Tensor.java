package org.botsec.core.model;

import java.util.Arrays;

/**
 * A named block of model weights: a shape and its row-major values (stored as F64 in model files). Immutable: the
 * arrays are copied in and out.
 */
public record Tensor(int[] shape, double[] values) {
    public Tensor {
        shape = shape.clone();
        values = values.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    public static Tensor vector(double[] values) {
        return new Tensor(new int[] {values.length}, values);
    }

    public static Tensor matrix(int rows, int cols, double[] values) {
        return new Tensor(new int[] {rows, cols}, values);
    }
}
