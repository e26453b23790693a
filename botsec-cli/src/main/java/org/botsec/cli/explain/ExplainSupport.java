package org.botsec.cli.explain;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Model;
import org.botsec.explain.Explanation;
import org.botsec.explain.FeatureWeight;
import org.botsec.explain.render.HtmlRenderer;
import picocli.CommandLine.Model.CommandSpec;

/** What the explain commands share: model loading, feature CSVs, labels and output records. */
final class ExplainSupport {
    /** Largest data file read (bytes). */
    static final long MAX_CSV_BYTES = 1L << 30;
    /** Largest number of values read from one CSV. */
    static final long MAX_VALUES = 200_000_000L;

    private ExplainSupport() {
    }

    /** Loads a model file with the loader registered for its type (validated before allocation). */
    static Model loadModel(Path path) {
        return ModelFiles.load(path);
    }

    /** A label given as a class name or an index; default: 1 for binary models, else the predicted class. */
    static int label(String given, List<String> classNames, int fallback) {
        if (given == null) {
            return fallback;
        }
        int byName = classNames.indexOf(given);
        if (byName >= 0) {
            return byName;
        }
        try {
            int i = Integer.parseInt(given.trim());
            if (i >= 0 && i < classNames.size()) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error naming the classes
        }
        throw BadInputException.of("--label %s is not a class of the model (classes: %s, or an index 0..%d)",
                excerpt(given), String.join(", ", classNames), classNames.size() - 1);
    }

    /** The columns {@code names} of a CSV file or built-in data set, in that order. */
    static Matrix features(String spec, List<String> names, String what) {
        if (DataSources.isBuiltin(spec)) {
            Dataset d = DataSources.loadNumeric(spec, null);
            return align(d.x(), d.featureNames(), names, spec);
        }
        Path csv = Path.of(spec);
        try {
            if (Files.size(csv) > MAX_CSV_BYTES) {
                throw BadInputException.of("%s %s is larger than %d bytes", what, csv, MAX_CSV_BYTES);
            }
        } catch (NoSuchFileException e) {
            throw BadInputException.of("%s file not found: %s", what, csv);
        } catch (IOException e) {
            throw BadInputException.of("cannot read %s %s: %s", what, csv, e.getMessage());
        }
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            List<String> header = p.getHeaderNames();
            Matrix all = read(p, header.size(), csv);
            return align(all, header, names, csv.toString());
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException e) {
            throw BadInputException.of("cannot read %s %s: %s", what, csv, e.getMessage());
        }
    }

    /** The header of a CSV file or the feature names of a built-in set. */
    static List<String> columns(String spec) {
        if (DataSources.isBuiltin(spec)) {
            return DataSources.loadNumeric(spec, null).featureNames();
        }
        try (Reader r = Files.newBufferedReader(Path.of(spec), StandardCharsets.UTF_8);
                CSVParser p = CSVFormat.DEFAULT.builder().setHeader().build().parse(r)) {
            return p.getHeaderNames();
        } catch (NoSuchFileException e) {
            throw BadInputException.of("file not found: %s", spec);
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException e) {
            throw BadInputException.of("cannot read %s: %s", spec, e.getMessage());
        }
    }

    private static Matrix read(CSVParser p, int cols, Path csv) {
        double[] values = new double[Math.max(16, cols * 64)];
        int row = 0;
        for (CSVRecord rec : p) {
            if (rec.size() != cols) {
                throw BadInputException.of("%s row %d has %d values but the header has %d columns", csv, row + 1,
                        rec.size(), cols);
            }
            long needed = (long) (row + 1) * cols;
            if (needed > MAX_VALUES) {
                throw BadInputException.of("%s has more than %d values", csv, MAX_VALUES);
            }
            if (needed > values.length) {
                values = Arrays.copyOf(values, (int) Math.min(MAX_VALUES, Math.max(needed, 2L * values.length)));
            }
            for (int j = 0; j < cols; j++) {
                String cell = rec.get(j).trim();
                double v;
                try {
                    v = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    v = Double.NaN; // non-numeric columns are allowed as long as the model does not use them
                }
                values[row * cols + j] = v;
            }
            row++;
        }
        if (row == 0) {
            throw BadInputException.of("%s has a header but no data rows", csv);
        }
        return new Matrix(row, cols, Arrays.copyOf(values, row * cols));
    }

    private static Matrix align(Matrix all, List<String> header, List<String> names, String source) {
        return org.botsec.core.data.ModelInputs.selectFeatures(all, header, names, source);
    }

    /** Rejects a {@code --num-features} value that is not positive. */
    static void checkNumFeatures(int numFeatures) {
        if (numFeatures <= 0) {
            throw BadInputException.of("--num-features must be > 0, got %d", numFeatures);
        }
    }

    /** Row {@code row} of {@code x} (read from {@code data}), rejecting a {@code --row} out of range. */
    static double[] row(Matrix x, int row, String data) {
        if (row < 0 || row >= x.rows()) {
            throw BadInputException.of("--row %d is out of range: %s has %d rows", row, data, x.rows());
        }
        return x.row(row);
    }

    /** The column of row 0's largest value (the first on ties): the predicted class. */
    static int argmax(Matrix p) {
        int best = 0;
        for (int k = 1; k < p.cols(); k++) {
            if (p.get(0, k) > p.get(0, best)) {
                best = k;
            }
        }
        return best;
    }

    /**
     * The LIME commands' output: the HTML page titled {@code title} when {@code html} is given, then the
     * explanation on the command's output as one JSON document or as text.
     */
    static void writeLime(CommandSpec spec, Explanation e, Path html, String title, boolean json) {
        if (html != null) {
            HtmlRenderer.write(List.of(e), title, html);
        }
        if (json) {
            Json.print(spec.commandLine().getOut(), LimeResult.of(e));
        } else {
            printLime(spec.commandLine().getOut(), e);
        }
    }

    static String abbreviate(List<String> names) {
        if (names.size() <= 6) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, 5)) + ", ... (" + names.size() + " in all)";
    }

    static String excerpt(String s) {
        String t = s.replaceAll("\\s+", " ");
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }

    /** One feature's weight in the JSON output. */
    record Weight(String feature, double weight) {
    }

    /** The JSON document of the LIME commands. */
    record LimeResult(String method, String label, List<Weight> weights, double intercept, double score,
            double localPrediction, double prediction, Map<String, Double> probabilities, long seed,
            int numSamples) {
        static LimeResult of(Explanation e) {
            List<Weight> ws = new ArrayList<>();
            for (FeatureWeight w : e.weights()) {
                ws.add(new Weight(w.feature(), w.weight()));
            }
            Map<String, Double> p = new LinkedHashMap<>();
            for (int k = 0; k < e.classNames().size(); k++) {
                p.put(e.classNames().get(k), e.classProbabilities().get(k));
            }
            return new LimeResult(e.method().name().toLowerCase(Locale.ROOT), e.labelName(), ws, e.intercept(),
                    e.score(), e.localPrediction(), e.prediction(), p, e.seed().orElse(0), e.numSamples());
        }
    }

    /** Human-readable LIME output. */
    static void printLime(java.io.PrintWriter out, Explanation e) {
        out.printf(Locale.ROOT, "%s explanation of class '%s' (model: %.4f, local model: %.4f, fit R² %.4f, "
                + "seed %d, %d samples)%n", e.method().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                e.labelName(), e.prediction(), e.localPrediction(), e.score(), e.seed().orElse(0), e.numSamples());
        for (FeatureWeight w : e.weights()) {
            out.printf(Locale.ROOT, "  %+.6f  %s%n", w.weight(), w.feature());
        }
        out.printf(Locale.ROOT, "  intercept %.6f%n", e.intercept());
        out.flush();
    }
}
