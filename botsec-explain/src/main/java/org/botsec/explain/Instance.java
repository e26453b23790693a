package org.botsec.explain;

import org.botsec.core.BadInputException;
import java.util.List;

/** What an explanation is about: a text, a tabular row or an image. Renderers use it to draw the instance. */
public sealed interface Instance permits Instance.Text, Instance.Tabular, Instance.Image {

    /**
     * A text split into word and separator tokens.
     *
     * @param text   the raw text
     * @param tokens the tokens in order; separators have feature −1
     */
    record Text(String text, List<Token> tokens) implements Instance {
        public Text {
            tokens = List.copyOf(tokens);
        }
    }

    /**
     * A token of a text.
     *
     * @param start   start offset in the text (inclusive)
     * @param end     end offset (exclusive)
     * @param feature the LIME feature (word id) this token belongs to, −1 for separators
     */
    record Token(int start, int end, int feature) {
    }

    /**
     * A numeric row.
     *
     * @param featureNames column names
     * @param values       the row's values (copied)
     */
    record Tabular(List<String> featureNames, double[] values) implements Instance {
        public Tabular {
            featureNames = List.copyOf(featureNames);
            values = values.clone();
            if (featureNames.size() != values.length) {
                throw BadInputException.of("feature names (%d) and values (%d) differ", featureNames.size(),
                        values.length);
            }
        }

        /** The row's values (a copy). */
        @Override
        public double[] values() {
            return values.clone();
        }
    }

    /**
     * An image with its superpixels.
     *
     * @param height   rows
     * @param width    columns
     * @param channels 1 (grey) or 3 (RGB), interleaved per pixel
     * @param pixels   height·width·channels values in [0, 1]
     * @param segments superpixel id of each pixel, height·width
     */
    record Image(int height, int width, int channels, double[] pixels, int[] segments) implements Instance {
        public Image {
            pixels = pixels.clone();
            segments = segments.clone();
            if (pixels.length != height * width * channels || segments.length != height * width) {
                throw BadInputException.of("image arrays do not fit %dx%dx%d", height, width, channels);
            }
        }

        /** The pixel values (a copy). */
        @Override
        public double[] pixels() {
            return pixels.clone();
        }

        /** The superpixel id of each pixel (a copy). */
        @Override
        public int[] segments() {
            return segments.clone();
        }
    }
}
