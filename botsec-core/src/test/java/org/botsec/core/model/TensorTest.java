package org.botsec.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Tensor} is immutable: arrays given to it or taken from it can be changed without changing it. */
class TensorTest {
    @Test
    void copiesArraysInAndOut() {
        double[] v = {1, 2, 3, 4};
        int[] shape = {2, 2};
        Tensor t = new Tensor(shape, v);
        v[0] = 99;
        shape[0] = 7;
        t.values()[1] = 99;
        t.shape()[1] = 7;
        assertArrayEquals(new double[] {1, 2, 3, 4}, t.values(), 0.0);
        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {3}, new double[2]));
    }
}
