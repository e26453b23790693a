package org.botsec.explain;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.internal.BuilderSettings;
import org.botsec.explain.internal.Quickshift;
import org.botsec.explain.internal.Seeds;
import org.botsec.explain.internal.Slic;

/**
 * LIME for image classifiers, as marcotcr/lime's {@code LimeImageExplainer} (Ribeiro et al. 2016): the image is
 * cut into superpixels (SLIC, {@link org.botsec.explain.internal.Slic}, by default, or quick shift,
 * {@link org.botsec.explain.internal.Quickshift}, lime's own default); the first sample is the image, every
 * other sample switches each superpixel off with probability 1/2; switched-off superpixels are filled with
 * their own mean colour (lime's default {@code hide_color=None}) or with a fixed fill value. Distances are
 * cosine distances of the 0/1 vectors to all-ones, the kernel sqrt(exp(−d²/0.25²)), the fit is LIME's.
 * Images are flat pixel rows (height·width·channels, channels interleaved, values in [0, 1]), the way the
 * model sees them.
 *
 * <p>Randomness: each call replays the explainer's seed (recorded in the result); quick shift's tie-breaking
 * noise is drawn from a stream split off that seed, so segments too are fixed by the seed. Immutable and
 * thread-safe.
 */
public final class LimeImageExplainer {
    /** Largest quick shift kernel size (its search window is then 193×193 pixels). */
    public static final int MAX_KERNEL_SIZE = 32;
    /** Most perturbed images per call. */

    private final int height;
    private final int width;
    private final int channels;
    private final Segmentation segmentation;
    private final int numSegments;
    private final double compactness;
    private final double kernelSize;
    private final double maxDist;
    private final double ratio;
    private final Double fillValue;
    private final double kernelWidth;
    private final FeatureSelection featureSelection;
    private final List<String> classNames;
    private final long seed;

    private LimeImageExplainer(Builder b) {
        this.height = b.height;
        this.width = b.width;
        this.channels = b.channels;
        this.numSegments = b.numSegments != null ? b.numSegments : Math.min(50, Math.max(4, height * width / 4));
        this.compactness = b.compactness;
        this.segmentation = b.segmentation;
        this.kernelSize = b.kernelSize;
        this.maxDist = b.maxDist;
        this.ratio = b.ratio;
        this.fillValue = b.fillValue;
        this.kernelWidth = b.kernelWidth;
        this.featureSelection = b.featureSelection;
        this.classNames = b.classNames;
        this.seed = b.seed == null ? Seeds.fresh() : b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The superpixels this explainer would use for {@code pixels}. */
    public int[] segments(double[] pixels) {
        checkSize(pixels);
        if (segmentation == Segmentation.QUICKSHIFT) {
            long noiseSeed = new SplittableRandom(seed).split().nextLong();
            return Quickshift.segment(pixels, height, width, channels, kernelSize, maxDist, ratio, noiseSeed);
        }
        return Slic.segment(pixels, height, width, channels, numSegments, compactness);
    }

    private void checkSize(double[] pixels) {
        int expected = height * width * channels;
        if (pixels.length != expected) {
            throw BadInputException.of("image has %d values, expected %d (%dx%dx%d)", pixels.length, expected,
                    height, width, channels);
        }
        // both segmentations measure colour distances on a [0, 1] scale (SLIC's compactness, quick shift's Lab)
        for (int i = 0; i < pixels.length; i++) {
            if (!(pixels[i] >= 0 && pixels[i] <= 1)) {
                throw BadInputException.of("image values must be in [0, 1] (divide 8-bit pixels by 255), got %s at "
                        + "index %d", pixels[i], i);
            }
        }
    }

    /** Explains {@code label} for one image with {@code numSamples} perturbed images (lime default 1000). */
    public Explanation explainInstance(double[] pixels, Function<Matrix, Matrix> predictProba, int numFeatures,
            int numSamples, int label) {
        checkSize(pixels);
        if (numFeatures <= 0) {
            throw BadInputException.of("numFeatures must be > 0, got %d", numFeatures);
        }
        SampleLimits.check("numSamples (--num-samples)", numSamples, 1, "segments");
        int[] seg = segments(pixels);
        int s = Arrays.stream(seg).max().orElse(0) + 1;
        int p = height * width;
        double[] fill = new double[s * channels];
        if (fillValue != null) {
            Arrays.fill(fill, fillValue);
        } else {
            int[] count = new int[s];
            for (int i = 0; i < p; i++) {
                count[seg[i]]++;
                for (int c = 0; c < channels; c++) {
                    fill[seg[i] * channels + c] += pixels[i * channels + c];
                }
            }
            for (int g = 0; g < s; g++) {
                for (int c = 0; c < channels; c++) {
                    fill[g * channels + c] /= Math.max(1, count[g]);
                }
            }
        }
        LimeSupport.checkCounts(numFeatures, numSamples, s, "segments");
        SplittableRandom random = new SplittableRandom(seed);
        Matrix data = new Matrix(numSamples, s);
        double[] distances = new double[numSamples];
        for (int i = 0; i < numSamples; i++) {
            int on = 0;
            for (int g = 0; g < s; g++) {
                int bit = i == 0 ? 1 : random.nextInt(2);
                data.set(i, g, bit);
                on += bit;
            }
            distances[i] = on == 0 ? 1.0 : 1.0 - Math.sqrt((double) on / s);
        }
        int rowLen = p * channels;
        Matrix proba = null;
        int batch = Math.max(1, (1 << 22) / rowLen);
        double[] probaData = null;
        int k = -1;
        for (int start = 0; start < numSamples; start += batch) {
            int c = Math.min(batch, numSamples - start);
            Matrix imgs = new Matrix(c, rowLen);
            double[] a = imgs.data();
            for (int r = 0; r < c; r++) {
                int i = start + r;
                for (int px = 0; px < p; px++) {
                    boolean on = data.get(i, seg[px]) != 0;
                    for (int ch = 0; ch < channels; ch++) {
                        a[r * rowLen + px * channels + ch] = on ? pixels[px * channels + ch]
                                : fill[seg[px] * channels + ch];
                    }
                }
            }
            Matrix part = predictProba.apply(imgs);
            if (k < 0) {
                k = part.cols();
                probaData = new double[numSamples * k];
            }
            System.arraycopy(part.data(), 0, probaData, start * k, c * k);
        }
        proba = new Matrix(numSamples, k, probaData);
        List<String> cn = LimeSupport.classNames(classNames, k);
        return LimeSupport.explain(ExplanationMethod.LIME_IMAGE, cn, proba, label, data,
                LimeSupport.kernel(distances, kernelWidth), numFeatures, featureSelection, g -> "segment " + g,
                seed, new Instance.Image(height, width, channels, pixels, seg));
    }

    /** Builder; the image shape is required. */
    public static final class Builder {
        private final BuilderSettings settings = new BuilderSettings("LimeImageExplainer");
        private int height;
        private int width;
        private int channels = 1;
        private Integer numSegments;
        private double compactness = 0.3;
        private Segmentation segmentation = Segmentation.SLIC;
        private double kernelSize = 4;
        private double maxDist = 200;
        private double ratio = 0.2;
        private Double fillValue;
        private double kernelWidth = 0.25;
        private FeatureSelection featureSelection = FeatureSelection.AUTO;
        private List<String> classNames;
        private Long seed;

        private Builder() {
        }

        /** Image shape: e.g. 8×8×1 digits, 28×28×1 MNIST/Fashion-MNIST. */
        public Builder shape(int height, int width, int channels) {
            settings.once("shape");
            if (height < 1 || width < 1 || height > 4096 || width > 4096) {
                throw BadInputException.of("image height and width must be in [1, 4096], got %dx%d", height, width);
            }
            if (channels != 1 && channels != 3) {
                throw BadInputException.of("channels must be 1 or 3, got %d", channels);
            }
            this.height = height;
            this.width = width;
            this.channels = channels;
            return this;
        }

        /** SLIC: wanted number of superpixels (default min(50, max(4, pixels/4))); quick shift ignores it. */
        public Builder numSegments(int n) {
            settings.once("numSegments");
            if (n < 1) {
                throw BadInputException.of("numSegments must be > 0, got %d", n);
            }
            this.numSegments = n;
            return this;
        }

        /** SLIC compactness m (default 0.3 for colours in [0, 1]); quick shift ignores it. */
        public Builder compactness(double m) {
            settings.once("compactness");
            if (!(m > 0) || Double.isInfinite(m)) {
                throw BadInputException.of("compactness must be > 0 and finite, got %s", m);
            }
            this.compactness = m;
            return this;
        }

        /** The superpixel algorithm (default {@link Segmentation#SLIC}). */
        public Builder segmentation(Segmentation segmentation) {
            this.segmentation = settings.once("segmentation", segmentation);
            return this;
        }

        /**
         * Quick shift: σ of the Gaussian density kernel in pixels, ≥ 1 (lime's default 4; the search window is
         * ⌈3σ⌉ pixels each way, so larger is slower and gives fewer segments). SLIC ignores it.
         */
        public Builder kernelSize(double sigma) {
            settings.once("kernelSize");
            if (!(sigma >= 1 && sigma <= MAX_KERNEL_SIZE)) {
                throw BadInputException.of("kernelSize must be in [1, %d], got %s", MAX_KERNEL_SIZE, sigma);
            }
            this.kernelSize = sigma;
            return this;
        }

        /** Quick shift: longest link in the joint colour-position space, &gt; 0 (lime's default 200). */
        public Builder maxDist(double d) {
            settings.once("maxDist");
            if (!(d > 0) || Double.isInfinite(d)) {
                throw BadInputException.of("maxDist must be > 0 and finite, got %s", d);
            }
            this.maxDist = d;
            return this;
        }

        /**
         * Quick shift: weight of colour against position, in [0, 1] (lime's default 0.2): Lab colours, L in
         * [0, 100], are multiplied by it; higher values follow colour edges more.
         */
        public Builder ratio(double r) {
            settings.once("ratio");
            if (!(r >= 0 && r <= 1)) {
                throw BadInputException.of("ratio must be in [0, 1], got %s", r);
            }
            this.ratio = r;
            return this;
        }

        /** Fill hidden superpixels with this value instead of their mean colour. */
        public Builder fillValue(double v) {
            settings.once("fillValue");
            if (!Double.isFinite(v)) {
                throw BadInputException.of("fillValue must be finite, got %s", v);
            }
            this.fillValue = v;
            return this;
        }

        public Builder kernelWidth(double w) {
            settings.once("kernelWidth");
            this.kernelWidth = LimeSupport.checkKernelWidth(w);
            return this;
        }

        public Builder featureSelection(FeatureSelection selection) {
            this.featureSelection = settings.once("featureSelection", selection);
            return this;
        }

        public Builder classNames(List<String> names) {
            this.classNames = List.copyOf(settings.once("classNames", names));
            return this;
        }

        public Builder seed(long seed) {
            settings.once("seed");
            this.seed = seed;
            return this;
        }

        /**
         * Takes the seed from a {@link org.botsec.core.rand.Randomness}: its own seed when replayable, otherwise
         * one draw from it (recorded in the results, so even a secure source's explanation can be replayed).
         */
        public Builder randomness(org.botsec.core.rand.Randomness randomness) {
            settings.once("seed");
            this.seed = Seeds.of(randomness);
            return this;
        }

        public LimeImageExplainer build() {
            if (height == 0) {
                throw new BadInputException("shape must be set");
            }
            return new LimeImageExplainer(this);
        }
    }
}
