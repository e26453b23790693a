package org.botsec.cli.explain;

import java.nio.file.Path;
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
import org.botsec.explain.render.ImageOverlay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec explain lime-image}: which superpixels of an image made the model decide. */
@Command(name = "lime-image", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Explain an image model's prediction with LIME on SLIC superpixels.",
        footer = {"", "Example:", "  botsec explain lime-image --model digits.safetensors "
                + "--data builtin:digits8x8:test --row 0 --png digit.png --html digit.html"})
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

    @Option(names = "--num-segments", paramLabel = "K", description = "Wanted number of superpixels (default: min(50, pixels/4)).")
    Integer numSegments;

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
        if (numSegments != null) {
            b.numSegments(numSegments);
        }
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
        if (png != null) {
            ImageOverlay.write(e, png);
        }
        ExplainSupport.writeLime(spec, e, html.html, "LIME image explanation", json);
        return ExitCode.OK;
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
