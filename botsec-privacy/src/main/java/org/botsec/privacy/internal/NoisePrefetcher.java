package org.botsec.privacy.internal;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Draws the Gaussian noise vector of DP-SGD step t+1 on a background thread while step t computes its clipped
 * gradient sum, so that on a machine with a spare core the cost of cryptographically secure noise overlaps with
 * the matrix products instead of adding to them. The noise of a step never depends on data, so drawing it early
 * changes nothing in the mechanism; each vector is used exactly once.
 *
 * <p>Only for a generator that is safe to call from another thread (the JDK's {@link java.security.SecureRandom}
 * is); the caller must not draw from the generator itself while a prefetch may be running. All instances share
 * one daemon thread ({@code botsec-dp-noise}). Not thread-safe.
 */
public final class NoisePrefetcher {
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "botsec-dp-noise");
        t.setDaemon(true);
        return t;
    });

    private final GaussianNoise noise;
    private final double scale;
    private final double[] buffer;
    private Future<?> pending;

    /** Noise vectors of {@code length} samples of N(0, scale²) from {@code noise}. */
    public NoisePrefetcher(GaussianNoise noise, int length, double scale) {
        this.noise = noise;
        this.scale = scale;
        this.buffer = new double[length];
    }

    /**
     * Adds the next noise vector to {@code out} (waiting for it if still being drawn), then starts drawing the
     * one after.
     */
    public void addTo(double[] out) {
        if (out.length != buffer.length) {
            throw new IllegalArgumentException("out must have length " + buffer.length + ", got " + out.length);
        }
        if (pending == null) {
            fill();
        } else {
            try {
                pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pending = null;
                throw new IllegalStateException("interrupted while waiting for DP noise", e);
            } catch (ExecutionException e) {
                pending = null;
                throw new IllegalStateException("drawing DP noise failed: " + e.getCause(), e.getCause());
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] += buffer[i];
        }
        pending = EXECUTOR.submit(this::fill);
    }

    private void fill() {
        // 0 + u·f is exactly u·f: the sum written into out is bit-for-bit that of noise.add(out, scale)
        Arrays.fill(buffer, 0.0);
        noise.add(buffer, scale);
    }
}
