package org.botsec.explain.render;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.botsec.core.BadInputException;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureWeight;
import org.botsec.explain.Instance;

/**
 * A PNG of an image explanation: the image in grey, each superpixel tinted green when it supports the explained
 * label and red when it speaks against it (opacity ∝ |weight| / max |weight|), superpixel borders in yellow.
 * The image is enlarged by an integer factor so that 8×8 digits stay visible.
 */
public final class ImageOverlay {
    private ImageOverlay() {
    }

    /** The overlay image, each pixel drawn as a {@code scale}×{@code scale} block. */
    public static BufferedImage draw(Explanation e, int scale) {
        if (!(e.instance() instanceof Instance.Image img)) {
            throw BadInputException.of("not an image explanation: %s", e.method());
        }
        if (scale < 1 || scale > 64) {
            throw BadInputException.of("scale must be in [1, 64], got %s", scale);
        }
        int h = img.height();
        int w = img.width();
        int[] seg = img.segments();
        double[] pixels = img.pixels();
        int maxSeg = 0;
        for (int s : seg) {
            maxSeg = Math.max(maxSeg, s);
        }
        double[] weight = new double[maxSeg + 1];
        double maxAbs = 0;
        for (FeatureWeight fw : e.weights()) {
            if (fw.index() <= maxSeg) {
                weight[fw.index()] = fw.weight();
                maxAbs = Math.max(maxAbs, Math.abs(fw.weight()));
            }
        }
        BufferedImage out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * scale; y++) {
            for (int x = 0; x < w * scale; x++) {
                int py = y / scale;
                int px = x / scale;
                int p = py * w + px;
                double g = 0;
                for (int c = 0; c < img.channels(); c++) {
                    g += pixels[p * img.channels() + c];
                }
                g = Math.max(0, Math.min(1, g / img.channels()));
                double r = g;
                double gr = g;
                double b = g;
                double a = maxAbs > 0 ? 0.6 * Math.abs(weight[seg[p]]) / maxAbs : 0;
                if (weight[seg[p]] > 0) {
                    r = (1 - a) * r;
                    gr = (1 - a) * gr + a * 0.75;
                    b = (1 - a) * b;
                } else if (weight[seg[p]] < 0) {
                    r = (1 - a) * r + a * 0.85;
                    gr = (1 - a) * gr;
                    b = (1 - a) * b;
                }
                boolean border = false;
                if (scale >= 3) {
                    int sx = x % scale;
                    int sy = y % scale;
                    border = (sx == scale - 1 && px + 1 < w && seg[p + 1] != seg[p])
                            || (sy == scale - 1 && py + 1 < h && seg[p + w] != seg[p]);
                }
                int rgb = border ? 0xFFD600
                        : ((int) Math.round(r * 255) << 16) | ((int) Math.round(gr * 255) << 8)
                                | (int) Math.round(b * 255);
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    /** A scale that makes the longer side about 280 pixels. */
    public static int defaultScale(Explanation e) {
        Instance.Image img = (Instance.Image) e.instance();
        return Math.max(1, Math.min(64, 280 / Math.max(img.height(), img.width())));
    }

    /** PNG bytes of {@link #draw}. */
    public static byte[] png(Explanation e, int scale) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(draw(e, scale), "png", bytes);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    /** Writes the PNG to {@code path}. */
    public static void write(Explanation e, Path path) {
        try {
            Files.write(path, png(e, defaultScale(e)));
        } catch (IOException ex) {
            throw BadInputException.of("cannot write %s: %s", path, ex.getMessage());
        }
    }
}
