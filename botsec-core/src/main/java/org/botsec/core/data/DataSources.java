package org.botsec.core.data;

import java.nio.file.Path;
import java.util.Locale;
import org.botsec.core.BadInputException;

/**
 * What the CLI's {@code --data} flag accepts: {@code builtin:NAME}, {@code builtin:NAME:train},
 * {@code builtin:NAME:test} (also {@code :all}), or a path to a CSV file (optionally gzip-compressed).
 */
public final class DataSources {
    /** Prefix of built-in data set specs. */
    public static final String BUILTIN = "builtin:";

    private DataSources() {
    }

    /** A parsed built-in spec. */
    public record BuiltinSpec(String name, Split split) {
    }

    /** True when {@code spec} names a built-in data set (with the {@code builtin:} prefix). */
    public static boolean isBuiltin(String spec) {
        return spec != null && spec.startsWith(BUILTIN);
    }

    /** Parses {@code builtin:NAME[:train|:test|:all]}; the name must exist. */
    public static BuiltinSpec parseBuiltin(String spec) {
        if (!isBuiltin(spec)) {
            throw BadInputException.of("not a built-in data spec (expected builtin:NAME[:train|:test]): %s", spec);
        }
        String rest = spec.substring(BUILTIN.length());
        String name = rest;
        Split split = Split.ALL;
        int colon = rest.indexOf(':');
        if (colon >= 0) {
            name = rest.substring(0, colon);
            String s = rest.substring(colon + 1);
            split = switch (s.toLowerCase(Locale.ROOT)) {
                case "train" -> Split.TRAIN;
                case "test" -> Split.TEST;
                case "all" -> Split.ALL;
                default -> throw BadInputException.of("unknown split '%s' in %s; use train, test or all", s, spec);
            };
        }
        if (!Builtins.exists(name)) {
            throw BadInputException.of("unknown built-in data set '%s'; known: %s", name,
                    String.join(", ", Builtins.names()));
        }
        return new BuiltinSpec(name, split);
    }

    /**
     * A numeric data set.
     *
     * @param spec        {@code builtin:NAME[:split]} or a CSV path
     * @param labelColumn the label column of a CSV file (required there; ignored for built-in sets)
     */
    public static Dataset loadNumeric(String spec, String labelColumn) {
        checkSpec(spec);
        if (isBuiltin(spec)) {
            BuiltinSpec b = parseBuiltin(spec);
            if (Builtins.isText(b.name())) {
                throw BadInputException.of("%s is a text data set; use it with a text model (e.g. --model text-logreg)",
                        spec);
            }
            return Builtins.load(b.name(), b.split());
        }
        if (labelColumn == null || labelColumn.isBlank()) {
            throw BadInputException.of("--label is required for the CSV file %s", spec);
        }
        return CsvLoader.load(Path.of(spec), labelColumn);
    }

    /** A text data set: {@code builtin:NAME[:split]} or a {@code text,label} CSV path. */
    public static TextDataset loadText(String spec) {
        checkSpec(spec);
        if (isBuiltin(spec)) {
            BuiltinSpec b = parseBuiltin(spec);
            if (!Builtins.isText(b.name())) {
                throw BadInputException.of("%s is a numeric data set, not text", spec);
            }
            return Builtins.loadText(b.name(), b.split());
        }
        return CsvLoader.loadText(Path.of(spec));
    }

    private static void checkSpec(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new BadInputException("no data given (a CSV path or builtin:NAME)");
        }
        try {
            if (!isBuiltin(spec)) {
                Path.of(spec);
            }
        } catch (java.nio.file.InvalidPathException e) {
            throw BadInputException.of("not a valid file path: %s", spec);
        }
    }
}
