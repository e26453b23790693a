package org.botsec.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.botsec.core.BadInputException;
import org.botsec.core.data.internal.Labels;
import org.botsec.core.data.internal.Numbers;
import org.botsec.core.linalg.Matrix;

/**
 * The data sets shipped with BotSec (resources under {@code org/botsec/core/data/builtin/NAME/}, each with its
 * README and licence). See {@code docs/data.md}.
 *
 * <ul>
 *   <li>{@code breast_cancer} — 569 × 30, classes malignant, benign (label column {@code target}).</li>
 *   <li>{@code credit_g} — 1,000 rows; 7 numeric columns kept, 13 categorical columns one-hot encoded as
 *       {@code column=value} (values sorted), 61 features; classes bad, good.</li>
 *   <li>{@code digits8x8} — 1,797 × 64 pixels scaled value/16; classes 0..9.</li>
 *   <li>{@code fashion_mnist} — 28 × 28 pixels value/255; TRAIN = train10k (10,000), TEST = t10k (10,000),
 *       ALL = both; classes T-shirt/top .. Ankle boot.</li>
 *   <li>{@code mnist10k} — 10,000 × 784 pixels value/255; classes 0..9.</li>
 *   <li>{@code sentiment_sentences} (text) — 3,000 sentences; classes negative, positive.</li>
 *   <li>{@code spamassassin} (text) — 6,046 e-mails, text = subject and body joined by a newline; classes ham,
 *       spam.</li>
 * </ul>
 *
 * <p>Except for fashion_mnist, TRAIN and TEST are {@link Splits#stratified} with test fraction
 * {@value #TEST_FRACTION} and seed {@value #SPLIT_SEED}. Every call returns fresh copies (parsed data are kept in
 * a soft cache), so callers may modify what they get. Thread-safe.
 */
public final class Builtins {
    /** Seed of the fixed stratified 80/20 splits. */
    public static final long SPLIT_SEED = 42L;
    /** Test fraction of the fixed stratified splits. */
    public static final double TEST_FRACTION = 0.2;

    private static final String ROOT = "/org/botsec/core/data/builtin/";
    private static final List<String> NAMES = List.of("breast_cancer", "credit_g", "digits8x8", "fashion_mnist",
            "mnist10k", "sentiment_sentences", "spamassassin");
    private static final List<String> TEXT = List.of("sentiment_sentences", "spamassassin");
    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final Map<String, SoftReference<Object>> CACHE = new ConcurrentHashMap<>();

    private Builtins() {
    }

    /** The names of all built-in data sets. */
    public static List<String> names() {
        return NAMES;
    }

    /** True for the text data sets (load them with {@link #loadText}). */
    public static boolean isText(String name) {
        return TEXT.contains(name);
    }

    /** True when {@code name} is a built-in data set. */
    public static boolean exists(String name) {
        return NAMES.contains(name);
    }

    /** Loads a numeric built-in data set. */
    public static Dataset load(String name, Split split) {
        check(name);
        if (isText(name)) {
            throw BadInputException.of("built-in data set '%s' is text; load it with a text model (loadText)", name);
        }
        if (split == null) {
            throw new IllegalArgumentException("split must not be null");
        }
        if (name.equals("fashion_mnist")) {
            Dataset train = cached("fashion_mnist:train", () -> idx("fashion_mnist", "train10k", FASHION));
            Dataset test = cached("fashion_mnist:test", () -> idx("fashion_mnist", "t10k", FASHION));
            return switch (split) {
                case TRAIN -> copy(train);
                case TEST -> copy(test);
                case ALL -> concat(train, test);
            };
        }
        Dataset all = cached(name, () -> parseNumeric(name));
        return switch (split) {
            case ALL -> copy(all);
            case TRAIN -> all.subset(Splits.stratified(all.y(), TEST_FRACTION, SPLIT_SEED)[0]);
            case TEST -> all.subset(Splits.stratified(all.y(), TEST_FRACTION, SPLIT_SEED)[1]);
        };
    }

    /** Loads a text built-in data set. */
    public static TextDataset loadText(String name, Split split) {
        check(name);
        if (!isText(name)) {
            throw BadInputException.of("built-in data set '%s' is numeric, not text; text sets are %s", name, TEXT);
        }
        if (split == null) {
            throw new IllegalArgumentException("split must not be null");
        }
        TextDataset all = cached(name, () -> parseText(name));
        return switch (split) {
            case ALL -> new TextDataset(all.texts(), all.y().clone(), all.classNames(), all.sha256());
            case TRAIN -> all.subset(Splits.stratified(all.y(), TEST_FRACTION, SPLIT_SEED)[0]);
            case TEST -> all.subset(Splits.stratified(all.y(), TEST_FRACTION, SPLIT_SEED)[1]);
        };
    }

    /** The README (source, licence, columns, counts) shipped with a built-in data set. */
    public static String readme(String name) {
        check(name);
        try (InputStream in = resource(name, "README.md")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read README of built-in data set " + name, e);
        }
    }

    private static void check(String name) {
        if (name == null || !NAMES.contains(name)) {
            throw BadInputException.of("unknown built-in data set '%s'; known: %s", name, String.join(", ", NAMES));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cached(String key, java.util.function.Supplier<T> loader) {
        SoftReference<Object> ref = CACHE.get(key);
        Object v = ref == null ? null : ref.get();
        if (v == null) {
            v = loader.get();
            CACHE.put(key, new SoftReference<>(v));
        }
        return (T) v;
    }

    private static Dataset copy(Dataset d) {
        return new Dataset(d.x().copy(), d.y().clone(), d.featureNames(), d.classNames(), d.sha256());
    }

    private static Dataset concat(Dataset a, Dataset b) {
        int d = a.numFeatures();
        double[] values = new double[(a.size() + b.size()) * d];
        System.arraycopy(a.x().data(), 0, values, 0, a.size() * d);
        System.arraycopy(b.x().data(), 0, values, a.size() * d, b.size() * d);
        int[] y = new int[a.size() + b.size()];
        System.arraycopy(a.y(), 0, y, 0, a.size());
        System.arraycopy(b.y(), 0, y, a.size(), b.size());
        java.security.MessageDigest md = org.botsec.core.data.internal.Sources.sha256();
        md.update(java.util.HexFormat.of().parseHex(a.sha256()));
        md.update(java.util.HexFormat.of().parseHex(b.sha256()));
        return new Dataset(new Matrix(y.length, d, values), y, a.featureNames(), a.classNames(),
                org.botsec.core.data.internal.Sources.hex(md.digest()));
    }

    private static InputStream resource(String name, String file) {
        InputStream in = Builtins.class.getResourceAsStream(ROOT + name + "/" + file);
        if (in == null) {
            throw new IllegalStateException("built-in data file missing from the jar: " + name + "/" + file);
        }
        return in;
    }

    private static Dataset idx(String name, String prefix, List<String> classes) {
        try (InputStream images = resource(name, prefix + "-images-idx3-ubyte.gz");
             InputStream labels = resource(name, prefix + "-labels-idx1-ubyte.gz")) {
            return IdxReader.read(images, labels, classes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in data set " + name, e);
        }
    }

    private static Dataset parseNumeric(String name) {
        String source = "builtin:" + name;
        switch (name) {
            case "breast_cancer":
                try (InputStream in = resource(name, "breast_cancer.csv")) {
                    return CsvLoader.read(in, "target", source, 1.0, Map.of("0", "malignant", "1", "benign"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            case "digits8x8":
                try (InputStream in = resource(name, "digits8x8.csv")) {
                    return CsvLoader.read(in, "label", source, 1.0 / 16.0, null);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            case "credit_g":
                try (InputStream in = resource(name, "credit_g.csv")) {
                    return oneHot(CsvLoader.readRaw(in, source), "class", source);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            case "mnist10k":
                return idx(name, "mnist10k", DIGITS);
            default:
                throw new IllegalStateException("no numeric loader for " + name);
        }
    }

    private static TextDataset parseText(String name) {
        String source = "builtin:" + name;
        try {
            if (name.equals("sentiment_sentences")) {
                try (InputStream in = resource(name, "sentiment_sentences.csv")) {
                    return CsvLoader.readText(in, source, List.of("text"), "label",
                            Map.of("0", "negative", "1", "positive"));
                }
            }
            try (InputStream in = resource(name, "spamassassin.csv.gz")) {
                return CsvLoader.readText(in, source, List.of("subject", "body"), "label", null);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Numeric columns (every value a number) are kept; other columns become one indicator feature per distinct
     * value ({@code column=value}, values sorted), in column order.
     */
    static Dataset oneHot(CsvLoader.RawTable table, String labelColumn, String source) {
        List<String> header = table.header();
        int labelIndex = header.indexOf(labelColumn);
        if (labelIndex < 0) {
            throw BadInputException.of("%s: label column '%s' not found; columns are %s", source, labelColumn,
                    header);
        }
        List<String[]> rows = table.rows();
        List<String> featureNames = new ArrayList<>();
        List<int[]> plan = new ArrayList<>(); // {column, -1} numeric, {column, k} category k
        List<List<String>> categories = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            if (c == labelIndex) {
                continue;
            }
            boolean numeric = true;
            for (String[] r : rows) {
                if (!Numbers.looksNumeric(r[c])) {
                    numeric = false;
                    break;
                }
            }
            if (numeric) {
                featureNames.add(header.get(c));
                plan.add(new int[] {c, -1});
                categories.add(null);
            } else {
                TreeSet<String> values = new TreeSet<>();
                for (String[] r : rows) {
                    values.add(r[c]);
                }
                List<String> cats = new ArrayList<>(values);
                for (int k = 0; k < cats.size(); k++) {
                    featureNames.add(header.get(c) + "=" + cats.get(k));
                }
                plan.add(new int[] {c, cats.size()});
                categories.add(cats);
            }
        }
        int d = featureNames.size();
        Matrix x = new Matrix(rows.size(), d);
        List<String> labels = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            int j = 0;
            for (int p = 0; p < plan.size(); p++) {
                int c = plan.get(p)[0];
                if (plan.get(p)[1] < 0) {
                    x.set(i, j++, CsvLoader.number(r[c], i + 1, header.get(c), source));
                } else {
                    List<String> cats = categories.get(p);
                    x.set(i, j + cats.indexOf(r[c]), 1.0);
                    j += cats.size();
                }
            }
            labels.add(r[labelIndex]);
        }
        Labels enc = Labels.encode(labels, source, labelColumn);
        return new Dataset(x, enc.y(), featureNames, enc.classNames(), table.sha256());
    }
}
