package org.botsec.attack.poisoning;

import java.util.ArrayList;
import java.util.List;
import org.botsec.core.BadInputException;

/**
 * A BadNets-style trigger: a {@code size × size} square of pixels set to {@code value} in the bottom-right corner of
 * a row-major {@code width × height} image (Gu, Dolan-Gavitt, Garg 2017 use a small bright pattern in a corner). The
 * corner is where handwritten digits and most garments have no ink, so the patch is the only signal there.
 *
 * @param width  image width in pixels
 * @param height image height in pixels
 * @param size   side of the square patch, 1 ≤ size ≤ min(width, height)
 * @param value  the pixel value written (1.0 = white on [0, 1]-scaled images)
 */
public record Trigger(int width, int height, int size, double value) {
    public Trigger {
        if (width < 1 || height < 1) {
            throw BadInputException.of("trigger image size must be >= 1 x 1, got %d x %d", width, height);
        }
        if (size < 1 || size > Math.min(width, height)) {
            throw BadInputException.of("trigger size must be in [1, %d] for a %d x %d image, got %d",
                    Math.min(width, height), width, height, size);
        }
        if (!Double.isFinite(value)) {
            throw BadInputException.of("trigger value must be finite, got %s", value);
        }
    }

    /**
     * A white square trigger for square images with {@code numFeatures} pixels (64 → 8×8, 784 → 28×28).
     *
     * @throws BadInputException when {@code numFeatures} is not a perfect square
     */
    public static Trigger whiteSquare(int numFeatures, int size) {
        int side = (int) Math.round(Math.sqrt(numFeatures));
        if (side * side != numFeatures) {
            throw BadInputException.of("a backdoor trigger needs square images; %d features is not a square number "
                    + "of pixels", numFeatures);
        }
        return new Trigger(side, side, size, 1.0);
    }

    /** Number of features (pixels) of the images this trigger fits. */
    public int numFeatures() {
        return width * height;
    }

    /** The feature indices the patch covers, ascending. */
    public List<Integer> featureIndices() {
        List<Integer> out = new ArrayList<>(size * size);
        for (int r = height - size; r < height; r++) {
            for (int c = width - size; c < width; c++) {
                out.add(r * width + c);
            }
        }
        return out;
    }

    /** Stamps the patch on {@code row} in place. */
    public void apply(double[] row, int offset) {
        for (int r = height - size; r < height; r++) {
            for (int c = width - size; c < width; c++) {
                row[offset + r * width + c] = value;
            }
        }
    }
}
