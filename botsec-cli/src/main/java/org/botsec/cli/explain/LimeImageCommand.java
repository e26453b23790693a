package org.botsec.cli.explain;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.botsec.cli.ExitCode;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.explain.Explanation;
import org.botsec.explain.LimeImageExplainer;
import org.botsec.explain.Segmentation;
import org.botsec.explain.render.ImageOverlay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec explain lime-image}: which superpixels of an image made the model decide. */
@Command(name = "lime-image", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Explain an image model's prediction with LIME on SLIC or quick shift superpixels.",
        footer = {"", "Examples:",
                "  botsec explain lime-image --model digits.safetensors \\",
                "      --data builtin:digits8x8:test --row 0 --png digit.png --html digit.html",
                "  botsec explain lime-image --model mnist.safetensors --data builtin:mnist10k \\",
                "      --row 0 --segmentation quickshift --kernel-size 2 --max-dist 5 --ratio 1"})
public final class LimeImageCommand implements Callable<Integer> {
    private static final Pattern SHAPE = Pattern.compile("(\\d{1,4})x(\\d{1,4})(?:x([13]))?");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file on pixel features.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "CSV or builtin:NAME[:split] of images (one row each).")
    String data;

    @Option(names = "--row", defaultValue = "0", paramLabel = "I", description = "Image row to explain (default 0).")
    int row;

    @Option(names = "--shape", paramLabel = "HxW[xC]", description = "Image shape (default: square grey image from the feature count, e.g. 8x8, 28x28).")
    String shape;

    @Option(names = "--segmentation", defaultValue = "slic", paramLabel = "slic|quickshift", description = "Superpixels: slic (default) or quickshift (lime's own default, as scikit-image's quickshift).")
    String segmentation;

    @Option(names = "--num-segments", paramLabel = "K", description = "SLIC: wanted number of superpixels (default: min(50, pixels/4)).")
    Integer numSegments;

    @Option(names = "--kernel-size", paramLabel = "SIGMA", description = "Quickshift: width of the Gaussian density kernel in pixels, 1 to 32 (default: 4, as lime; smaller gives more segments).")
    String kernelSize;

    @Option(names = "--max-dist", paramLabel = "D", description = "Quickshift: longest link in colour-position space, > 0 (default: 200, as lime; smaller gives more segments).")
    String maxDist;

    @Option(names = "--ratio", paramLabel = "R", description = "Quickshift: weight of Lab colour against position, 0 to 1 (default: 0.2, as lime).")
    String ratio;

    @Option(names = "--num-features", defaultValue = "5", paramLabel = "K", description = "Superpixels in the explanation (default: ${DEFAULT-VALUE}).")
    int numFeatures;

    @Option(names = "--num-samples", defaultValue = "1000", paramLabel = "N", description = "Perturbed images (default: ${DEFAULT-VALUE}).")
    int numSamples;

    @Option(names = "--hide", defaultValue = "mean", paramLabel = "mean|VALUE", description = "Fill of hidden superpixels: their mean (default) or a value.")
    String hide;

    @Option(names = "--label", paramLabel = "L", description = "Class to explain (default: the predicted class).")
    String label;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: random, printed).")
    Long seed;

    @Option(names = "--png", paramLabel = "FILE", description = "Write the overlay as a PNG file.")
    Path png;

    @Mixin
    HtmlOption html;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        html.check();
        if (png != null) {
            org.botsec.core.files.SafeFiles.checkOutputFile(png, "--png");
        }
        ExplainSupport.checkNumFeatures(numFeatures);
        Model m = ExplainSupport.loadModel(model);
        if (!(m instanceof Classifier c)) {
            throw BadInputException.of("model %s (type %s) is not a numeric classifier", model, m.type());
        }
        int[] hwc = shape(c.numFeatures());
        if (hwc[0] * hwc[1] * hwc[2] != c.numFeatures()) {
            throw BadInputException.of("image shape %dx%dx%d has %d pixels values but the model expects %d features",
                    hwc[0], hwc[1], hwc[2], hwc[0] * hwc[1] * hwc[2], c.numFeatures());
        }
        Matrix x = ExplainSupport.features(data, c.featureNames(), "data");
        double[] px = ExplainSupport.row(x, row, data);
        LimeImageExplainer.Builder b = LimeImageExplainer.builder().shape(hwc[0], hwc[1], hwc[2])
                .classNames(c.classNames());
        if (seed != null) {
            b.seed(seed); // otherwise the explainer draws a fresh seed and records it
        }
        segmentation(b);
        if (!hide.equalsIgnoreCase("mean")) {
            try {
                b.fillValue(Double.parseDouble(hide));
            } catch (NumberFormatException e) {
                throw BadInputException.of("--hide must be 'mean' or a number, got '%s'", ExplainSupport.excerpt(hide));
            }
        }
        int fallback = ExplainSupport.argmax(c.predictProba(new Matrix(1, px.length, px.clone())));
        int l = ExplainSupport.label(label, c.classNames(), fallback);
        Explanation e = b.build().explainInstance(px, c::predictProba, numFeatures, numSamples, l);
        if (e.instance() instanceof org.botsec.explain.Instance.Image img
                && Arrays.stream(img.segments()).max().orElse(0) == 0) {
            // one superpixel: hiding it hides the whole image, so the "explanation" says nothing
            spec.commandLine().getErr().println("WARNING: the segmentation found a single superpixel in this "
                    + hwc[0] + "x" + hwc[1] + " image, so the explanation cannot point at any part of it; "
                    + (segmentation.trim().equalsIgnoreCase("quickshift")
                            ? "try smaller quickshift parameters, e.g. --kernel-size 2 --max-dist 5 --ratio 1"
                            : "try a larger --num-segments"));
            spec.commandLine().getErr().flush();
        } else if (e.instance() instanceof org.botsec.explain.Instance.Image img && hide.equalsIgnoreCase("mean")
                && everySegmentUniform(img)) {
            spec.commandLine().getErr().println("WARNING: every superpixel has a single colour, so hiding it with its "
                    + "mean (--hide mean) changes no pixel and all weights are 0; use --hide 0 or another fill value");
            spec.commandLine().getErr().flush();
        }
        if (png != null) {
            ImageOverlay.write(e, png);
        }
        ExplainSupport.writeLime(spec, e, html.html, "LIME image explanation", json);
        return ExitCode.OK;
    }

    /** True when every superpixel's pixels all have the same value in every channel. */
    private static boolean everySegmentUniform(org.botsec.explain.Instance.Image img) {
        int[] seg = img.segments();
        int ch = img.channels();
        double[] px = img.pixels();
        int s = Arrays.stream(seg).max().orElse(0) + 1;
        double[] first = new double[s * ch];
        boolean[] seen = new boolean[s];
        for (int i = 0; i < seg.length; i++) {
            int g = seg[i];
            for (int c = 0; c < ch; c++) {
                double v = px[i * ch + c];
                if (!seen[g]) {
                    first[g * ch + c] = v;
                } else if (first[g * ch + c] != v) {
                    return false;
                }
            }
            seen[g] = true;
        }
        return true;
    }

    private void segmentation(LimeImageExplainer.Builder b) {
        Segmentation s = switch (segmentation.trim().toLowerCase(Locale.ROOT)) {
            case "slic" -> Segmentation.SLIC;
            case "quickshift" -> Segmentation.QUICKSHIFT;
            default -> throw BadInputException.of("--segmentation must be slic or quickshift, got '%s'",
                    ExplainSupport.excerpt(segmentation));
        };
        b.segmentation(s);
        if (s == Segmentation.SLIC) {
            for (String[] o : new String[][] {{"--kernel-size", kernelSize}, {"--max-dist", maxDist},
                    {"--ratio", ratio}}) {
                if (o[1] != null) {
                    throw BadInputException.of("%s applies to --segmentation quickshift only", o[0]);
                }
            }
            if (numSegments != null) {
                b.numSegments(numSegments);
            }
            return;
        }
        if (numSegments != null) {
            throw BadInputException.of("--num-segments applies to --segmentation slic only; quickshift's segment "
                    + "count follows from --kernel-size, --max-dist and --ratio");
        }
        if (kernelSize != null) {
            double v = number(kernelSize);
            if (!(v >= 1 && v <= LimeImageExplainer.MAX_KERNEL_SIZE)) {
                throw BadInputException.of("--kernel-size must be a number from 1 to %d, got '%s'",
                        LimeImageExplainer.MAX_KERNEL_SIZE, ExplainSupport.excerpt(kernelSize));
            }
            b.kernelSize(v);
        }
        if (maxDist != null) {
            double v = number(maxDist);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw BadInputException.of("--max-dist must be a number > 0, got '%s'",
                        ExplainSupport.excerpt(maxDist));
            }
            b.maxDist(v);
        }
        if (ratio != null) {
            double v = number(ratio);
            if (!(v >= 0 && v <= 1)) {
                throw BadInputException.of("--ratio must be a number from 0 to 1, got '%s'",
                        ExplainSupport.excerpt(ratio));
            }
            b.ratio(v);
        }
    }

    /** The value of a number option, NaN when it is not a number (then rejected by its range check). */
    private static double number(String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private int[] shape(int features) {
        if (shape == null) {
            int side = (int) Math.round(Math.sqrt(features));
            if (side * side != features) {
                throw BadInputException.of("the model has %d features, not a square grey image; give --shape HxW[xC]",
                        features);
            }
            return new int[] {side, side, 1};
        }
        Matcher mt = SHAPE.matcher(shape.trim());
        if (!mt.matches()) {
            throw BadInputException.of("--shape must look like 28x28 or 32x32x3, got '%s'", ExplainSupport.excerpt(shape));
        }
        return new int[] {Integer.parseInt(mt.group(1)), Integer.parseInt(mt.group(2)),
                mt.group(3) == null ? 1 : Integer.parseInt(mt.group(3))};
    }
}
