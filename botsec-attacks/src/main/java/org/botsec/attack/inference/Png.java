package org.botsec.attack.inference;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.botsec.core.BadInputException;

/** Writes feature vectors as greyscale PNG images (e.g. model-inversion reconstructions of 8×8 or 28×28 digits). */
public final class Png {
    /** Largest image side written, in pixels, after scaling. */
    public static final int MAX_SIDE = 4096;

    private Png() {
    }

    /**
     * Writes {@code pixels} (row-major, {@code width × height}) as an 8-bit greyscale PNG, mapping [lower, upper]
     * linearly to 0..255 (values outside are clamped) and enlarging each pixel to a {@code scale × scale} block.
     */
    public static void writeGrey(double[] pixels, int width, int height, double lower, double upper, int scale,
                                 Path out) {
        try {
            java.nio.file.Files.write(out, greyBytes(pixels, width, height, lower, upper, scale));
        } catch (IOException e) {
            throw BadInputException.of("cannot write %s: %s", out, e.getMessage());
        }
    }

    /** The PNG bytes {@link #writeGrey} writes (e.g. to embed in a report). */
    public static byte[] greyBytes(double[] pixels, int width, int height, double lower, double upper, int scale) {
        if (width < 1 || height < 1 || (long) width * height != pixels.length) {
            throw BadInputException.of("an image of %d×%d needs %d values, got %d", width, height,
                    (long) width * height, pixels.length);
        }
        if (scale < 1 || (long) width * scale > MAX_SIDE || (long) height * scale > MAX_SIDE) {
            throw BadInputException.of("scale %d makes the image larger than %d pixels a side", scale, MAX_SIDE);
        }
        BufferedImage img = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int v = grey(pixels[r * width + c], lower, upper);
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        // The raster, not setRGB: setRGB would pass the grey level through a colour-space conversion.
                        img.getRaster().setSample(c * scale + dx, r * scale + dy, 0, v);
                    }
                }
            }
        }
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", buf)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode PNG: " + e.getMessage(), e);
        }
        return buf.toByteArray();
    }

    /** The 8-bit grey level of {@code v} on the scale [lower, upper]. */
    public static int grey(double v, double lower, double upper) {
        double t = (v - lower) / (upper - lower);
        return (int) Math.round(255 * Math.max(0, Math.min(1, t)));
    }
}
