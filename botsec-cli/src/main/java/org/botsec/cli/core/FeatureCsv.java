package org.botsec.cli.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;

/**
 * Reads the inputs of {@code botsec predict --data}: a CSV with a header row from which the model's feature
 * columns are taken by name (other columns, such as a label, are ignored), or the {@code text} column of a text
 * CSV. Every problem names the file, the row (1 = first row after the header), the column and the value.
 */
final class FeatureCsv {
    /** Largest CSV accepted by predict. */
    static final long MAX_BYTES = 1L << 31;
    static final long MAX_VALUES = Integer.MAX_VALUE - 16L;

    private FeatureCsv() {
    }

    /** The columns {@code featureNames} of {@code csv}, in that order. */
    static Matrix readFeatures(Path csv, List<String> featureNames) {
        try (CSVParser parser = open(csv)) {
            List<String> header = parser.getHeaderNames();
            int[] index = new int[featureNames.size()];
            for (int j = 0; j < index.length; j++) {
                index[j] = header.indexOf(featureNames.get(j));
                if (index[j] < 0) {
                    throw BadInputException.of("%s: the model's feature column '%s' is missing (the model expects %d "
                            + "features, the file has columns %s)", csv, featureNames.get(j), featureNames.size(),
                            abbreviate(header));
                }
            }
            int d = index.length;
            double[] values = new double[Math.max(16, Math.min(d * 256, 1 << 20))];
            int row = 0;
            for (CSVRecord rec : parser) {
                row++;
                if (rec.size() != header.size()) {
                    throw BadInputException.of("%s row %d has %d values but the header has %d columns", csv, row,
                            rec.size(), header.size());
                }
                long needed = (long) row * d;
                if (needed > MAX_VALUES) {
                    throw BadInputException.of("%s: more than %d values; too large", csv, MAX_VALUES);
                }
                if (needed > values.length) {
                    values = Arrays.copyOf(values, (int) Math.min(MAX_VALUES, Math.max(needed, 2L * values.length)));
                }
                for (int j = 0; j < d; j++) {
                    String cell = rec.get(index[j]).trim();
                    double v;
                    try {
                        v = Double.parseDouble(cell);
                    } catch (NumberFormatException e) {
                        throw BadInputException.of("%s row %d, column '%s': not a number: '%s'", csv, row,
                                featureNames.get(j), excerpt(cell));
                    }
                    if (!Double.isFinite(v)) {
                        throw BadInputException.of("%s row %d, column '%s': value %s is not finite", csv, row,
                                featureNames.get(j), excerpt(cell));
                    }
                    values[(row - 1) * d + j] = v;
                }
            }
            if (row == 0) {
                throw BadInputException.of("%s has a header but no data rows", csv);
            }
            return new Matrix(row, d, Arrays.copyOf(values, row * d));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw BadInputException.of("cannot read %s: %s", csv, e.getMessage());
        }
    }

    /** The {@code text} column of a text CSV. */
    static List<String> readTexts(Path csv) {
        try (CSVParser parser = open(csv)) {
            List<String> header = parser.getHeaderNames();
            int col = header.indexOf("text");
            if (col < 0) {
                throw BadInputException.of("%s: no 'text' column; columns are %s", csv, abbreviate(header));
            }
            List<String> texts = new ArrayList<>();
            int row = 0;
            for (CSVRecord rec : parser) {
                row++;
                if (rec.size() != header.size()) {
                    throw BadInputException.of("%s row %d has %d values but the header has %d columns", csv, row,
                            rec.size(), header.size());
                }
                String t = rec.get(col);
                if (t.isBlank()) {
                    throw BadInputException.of("%s row %d: the text is empty", csv, row);
                }
                texts.add(t);
            }
            if (texts.isEmpty()) {
                throw BadInputException.of("%s has a header but no data rows", csv);
            }
            return texts;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw BadInputException.of("cannot read %s: %s", csv, e.getMessage());
        }
    }

    private static CSVParser open(Path csv) throws IOException {
        long size;
        try {
            size = Files.size(csv);
        } catch (NoSuchFileException e) {
            throw BadInputException.of("data file not found: %s", csv);
        }
        if (Files.isDirectory(csv)) {
            throw BadInputException.of("%s is a folder, not a CSV file", csv);
        }
        if (size > MAX_BYTES) {
            throw BadInputException.of("%s is %d bytes; the limit is %d", csv, size, MAX_BYTES);
        }
        InputStream in = Files.newInputStream(csv);
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).build();
        try {
            CSVParser parser = CSVParser.parse(reader, format);
            if (parser.getHeaderNames().isEmpty()) {
                parser.close();
                throw BadInputException.of("%s is empty (a header row is required)", csv);
            }
            return parser;
        } catch (IllegalArgumentException e) {
            reader.close();
            throw BadInputException.of("%s: bad header row: %s", csv, e.getMessage());
        }
    }

    static String excerpt(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? names.toString() : names.subList(0, 8) + " ... (" + names.size() + " columns)";
    }
}
