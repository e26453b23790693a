package org.botsec.cli.attack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.botsec.attack.QueryCounter;
import org.botsec.attack.inference.ModelInversion;
import org.botsec.attack.inference.Png;
import org.botsec.cli.ProgressBar;
import org.botsec.core.BadInputException;
import org.botsec.core.ThresholdException;
import org.botsec.core.data.Dataset;
import org.botsec.core.model.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec attack inversion}: reconstruct a representative input per class; PNG files for images. */
@Command(name = "inversion", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Model inversion (Fredrikson et al. 2015): a representative input per class by gradient descent "
                + "on the model's confidence (gradient access) or from confidence scores only; PNG images with --out-dir.",
        footer = {"", "Example:", "  botsec attack inversion --model digits.safetensors --access confidence "
                + "--data builtin:digits8x8:test --out-dir inv --json"})
public final class InversionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @Option(names = "--access", defaultValue = "gradient", paramLabel = "gradient|confidence", description = "gradient (white box, default) or confidence (scores only).")
    String access;

    @Option(names = "--classes", split = ",", paramLabel = "C", description = "Classes to invert, by name or index (default: all).")
    List<String> classes;

    @Option(names = "--data", paramLabel = "DATA", description = "Real data to compare reconstructions with their class means.")
    String data;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of a CSV --data.")
    String label;

    @Option(names = "--iterations", defaultValue = "300", paramLabel = "N", description = "Most descent steps per class (default 300).")
    int iterations;

    @Option(names = "--step-size", defaultValue = "0.1", paramLabel = "A", description = "Step length in input units (default 0.1).")
    double stepSize;

    @Option(names = "--samples", defaultValue = "20", paramLabel = "K", description = "Confidence access: random directions per step (default 20).")
    int samples;

    @Option(names = "--lower", defaultValue = "0", paramLabel = "V", description = "Smallest input value (default 0).")
    double lower;

    @Option(names = "--upper", defaultValue = "1", paramLabel = "V", description = "Largest input value (default 1).")
    double upper;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Write one PNG per class (inversion_<class>.png) here.")
    Path outDir;

    @Option(names = "--image-size", paramLabel = "WxH", description = "Image width x height (default: square side from the feature count).")
    String imageSize;

    @Option(names = "--scale", defaultValue = "8", paramLabel = "K", description = "PNG pixel enlargement (default 8).")
    int scale;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: random, printed).")
    Long seed;

    @Option(names = "--max-confidence", paramLabel = "P", description = "CI gate: exit 3 when the mean reconstruction confidence is above P.")
    Double maxConfidence;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--json", description = "Print one JSON document {\"attack\", \"metrics\", \"settings\", \"seed\", \"findings\", \"reconstructions\", \"model_queries\"}.")
    boolean json;

    @Override
    public Integer call() {
        ModelInversion.Access a = switch (access.toLowerCase(Locale.ROOT)) {
            case "gradient" -> ModelInversion.Access.GRADIENT;
            case "confidence" -> ModelInversion.Access.CONFIDENCE;
            default -> throw BadInputException.of("--access must be gradient or confidence, got '%s'", access);
        };
        QueryCounter counter = new QueryCounter();
        Classifier target = counter.wrap(PrivacyAttackSupport.loadClassifier(model));
        int d = target.numFeatures();
        int[] wh = outDir == null ? null : size(d);
        int[] which = classIndices(target);
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
        ModelInversion.Settings settings = new ModelInversion.Settings(a, iterations, stepSize, 0.001, lower, upper,
                samples, 0.01, s);
        Optional<Dataset> real = Optional.ofNullable(data).map(x -> PrivacyAttackSupport.loadData(x, label, "--data"));
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "inversion", !quiet);
        List<ModelInversion.Reconstruction> all = new ArrayList<>();
        for (int i = 0; i < which.length; i++) {
            bar.update(i, which.length, "class " + target.classNames().get(which[i]));
            all.addAll(ModelInversion.run(target, new int[] {which[i]}, new double[d], settings, real)
                    .reconstructions());
        }
        bar.update(which.length, which.length, "done");
        bar.finish();
        ModelInversion.Result r = new ModelInversion.Result(all, settings);
        List<Map<String, Object>> recs = new ArrayList<>();
        if (outDir != null) {
            try {
                Files.createDirectories(outDir);
            } catch (IOException e) {
                throw BadInputException.of("cannot create --out-dir %s: %s", outDir, e.getMessage());
            }
        }
        for (ModelInversion.Reconstruction rec : all) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", rec.className());
            m.put("confidence", rec.confidence());
            m.put("iterations", rec.iterations());
            rec.nearestClass().ifPresent(k -> m.put("nearest_class_mean", target.classNames().get(k)));
            if (outDir != null) {
                Path f = outDir.resolve("inversion_" + safe(rec.className()) + ".png");
                Png.writeGrey(rec.input(), wh[0], wh[1], lower, upper, scale, f);
                m.put("png", f.toString());
            }
            recs.add(m);
        }
        PrivacyAttackSupport.print(spec.commandLine().getOut(), json, r.toReport(), Map.of("reconstructions", recs),
                counter.counts());
        if (!json && outDir != null) {
            spec.commandLine().getOut().println("images written to " + outDir);
        }
        if (maxConfidence != null && r.meanConfidence() > maxConfidence) {
            throw new ThresholdException(String.format(Locale.ROOT,
                    "mean inversion confidence %.4f is above --max-confidence %s", r.meanConfidence(), maxConfidence));
        }
        return 0;
    }

    private int[] classIndices(Classifier target) {
        if (classes == null || classes.isEmpty()) {
            int[] all = new int[target.numClasses()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[classes.size()];
        for (int i = 0; i < out.length; i++) {
            String c = classes.get(i);
            int idx = target.classNames().indexOf(c);
            if (idx < 0) {
                try {
                    idx = Integer.parseInt(c.trim());
                } catch (NumberFormatException e) {
                    idx = -1;
                }
            }
            if (idx < 0 || idx >= target.numClasses()) {
                throw BadInputException.of("--classes: '%s' is not a class of the model (%s)", c,
                        String.join(", ", target.classNames()));
            }
            out[i] = idx;
        }
        return out;
    }

    private int[] size(int d) {
        if (imageSize != null) {
            String[] p = imageSize.toLowerCase(Locale.ROOT).split("x");
            try {
                int w = Integer.parseInt(p[0].trim());
                int h = Integer.parseInt(p[1].trim());
                if (p.length == 2 && w > 0 && h > 0 && (long) w * h == d) {
                    return new int[] {w, h};
                }
            } catch (RuntimeException e) {
                // fall through to the one-line error
            }
            throw BadInputException.of("--image-size must be WxH with W*H = %d features, got '%s'", d, imageSize);
        }
        int side = (int) Math.round(Math.sqrt(d));
        if (side * side != d) {
            throw BadInputException.of("the model has %d features, not a square image: give --image-size WxH", d);
        }
        return new int[] {side, side};
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
