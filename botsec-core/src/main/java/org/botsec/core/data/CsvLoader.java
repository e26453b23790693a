package org.botsec.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.botsec.core.BadInputException;
import org.botsec.core.data.internal.Labels;
import org.botsec.core.data.internal.Numbers;
import org.botsec.core.data.internal.Sources;
import org.botsec.core.linalg.Matrix;

/**
 * Reads CSV files (RFC 4180, UTF-8, header row; gzip-compressed files are detected by their magic bytes).
 *
 * <p>Numeric data: the label column is named by the caller; every other column must hold a finite decimal number
 * in every row. Labels may be numbers or words; the class names are the sorted distinct label values (numbers by
 * value, before words). Text data: columns {@code text} and {@code label} (other columns are ignored).
 *
 * <p>Every problem is a {@link BadInputException} naming the file, the data row (1 = first row after the header),
 * the column and the value. Files over 2 GiB (raw or decompressed) are refused. {@link Dataset#sha256()} is the
 * SHA-256 of the file's raw bytes. Stateless and thread-safe.
 */
public final class CsvLoader {
    /** Most columns a CSV file may have. */
    public static final int MAX_COLUMNS = 1_000_000;
    /** Most values (rows × features) a numeric CSV may hold. */
    public static final long MAX_VALUES = Integer.MAX_VALUE - 16L;

    private CsvLoader() {
    }

    /** Loads a numeric CSV file; {@code labelColumn} names the class label column. */
    public static Dataset load(Path csv, String labelColumn) {
        try (InputStream in = Sources.open(csv, "CSV file")) {
            return read(in, labelColumn, csv.toString());
        } catch (IOException e) {
            throw Sources.ioFailure(csv.toString(), e);
        }
    }

    /** Reads a numeric CSV from a stream (read to its end, then closed); {@code sourceName} is used in messages. */
    public static Dataset read(InputStream in, String labelColumn, String sourceName) {
        return read(in, labelColumn, sourceName, 1.0, null);
    }

    /** Loads a {@code text,label} CSV file. */
    public static TextDataset loadText(Path csv) {
        try (InputStream in = Sources.open(csv, "text CSV file")) {
            return readText(in, csv.toString());
        } catch (IOException e) {
            throw Sources.ioFailure(csv.toString(), e);
        }
    }

    /** Reads a {@code text,label} CSV from a stream (read to its end, then closed). */
    public static TextDataset readText(InputStream in, String sourceName) {
        return readText(in, sourceName, List.of("text"), "label", null);
    }

    /**
     * Reads the columns {@code featureNames} of a numeric CSV file, in that order, without a label (e.g. the
     * inputs of a trained model, named by {@link org.botsec.core.model.Classifier#featureNames()}). Other columns
     * are ignored and need not be numeric.
     *
     * @throws BadInputException when a column is missing, a row is ragged, a cell is not a finite number or the
     *                           file has no data rows
     */
    public static Matrix readFeatures(Path csv, List<String> featureNames) {
        try (InputStream in = Sources.open(csv, "CSV file")) {
            return readFeatures(in, featureNames, csv.toString());
        } catch (IOException e) {
            throw Sources.ioFailure(csv.toString(), e);
        }
    }

    /** {@link #readFeatures(Path, List)} from a stream (read to its end, then closed). */
    public static Matrix readFeatures(InputStream in, List<String> featureNames, String sourceName) {
        try (Sources.Hashed source = Sources.Hashed.of(in, sourceName);
             CSVParser parser = parser(source.content())) {
            Records records = new Records(parser, sourceName);
            List<String> header = records.header();
            int d = featureNames.size();
            int[] index = new int[d];
            for (int j = 0; j < d; j++) {
                index[j] = header.indexOf(featureNames.get(j));
                if (index[j] < 0) {
                    // the wording of ModelInputs.selectFeatures: one message for this mistake in every command
                    throw BadInputException.of("%s has no column '%s' (the model expects %d features: %s)",
                            sourceName, ModelInputs.excerpt(featureNames.get(j)), d,
                            ModelInputs.abbreviate(featureNames));
                }
            }
            double[] values = new double[Math.max(16, Math.min(d * 256, 1 << 20))];
            int row = 0;
            while (records.next()) {
                CSVRecord rec = records.current();
                row++;
                checkWidth(rec, header.size(), row, sourceName);
                long needed = (long) row * d;
                if (needed > MAX_VALUES) {
                    throw BadInputException.of("%s: more than %d values; too large to load", sourceName, MAX_VALUES);
                }
                if (needed > values.length) {
                    values = Arrays.copyOf(values, (int) Math.min(MAX_VALUES, Math.max(needed, 2L * values.length)));
                }
                int base = (row - 1) * d;
                for (int j = 0; j < d; j++) {
                    values[base + j] = number(rec.get(index[j]).trim(), row, featureNames.get(j), sourceName);
                }
            }
            if (row == 0) {
                throw BadInputException.of("%s: no data rows after the header", sourceName);
            }
            return new Matrix(row, d, values.length == row * d ? values : Arrays.copyOf(values, row * d));
        } catch (IOException e) {
            throw Sources.ioFailure(sourceName, e);
        } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw malformed(sourceName, e);
        }
    }

    /**
     * Reads the {@code text} column of a CSV file without a label (other columns are ignored).
     *
     * @throws BadInputException when the column is missing, a row is ragged, a text is blank or the file has no
     *                           data rows
     */
    public static List<String> readTexts(Path csv) {
        try (InputStream in = Sources.open(csv, "text CSV file")) {
            return readTexts(in, csv.toString());
        } catch (IOException e) {
            throw Sources.ioFailure(csv.toString(), e);
        }
    }

    /** {@link #readTexts(Path)} from a stream (read to its end, then closed). */
    public static List<String> readTexts(InputStream in, String sourceName) {
        try (Sources.Hashed source = Sources.Hashed.of(in, sourceName);
             CSVParser parser = parser(source.content())) {
            Records records = new Records(parser, sourceName);
            List<String> header = records.header();
            int col = header.indexOf("text");
            if (col < 0) {
                throw BadInputException.of("%s: text column 'text' not found; columns are %s", sourceName,
                        abbreviate(header));
            }
            List<String> texts = new ArrayList<>();
            int row = 0;
            while (records.next()) {
                CSVRecord rec = records.current();
                row++;
                checkWidth(rec, header.size(), row, sourceName);
                String t = rec.get(col);
                if (t.isBlank()) {
                    throw BadInputException.of("%s: data row %d has an empty text", sourceName, row);
                }
                texts.add(t);
            }
            if (row == 0) {
                throw BadInputException.of("%s: no data rows after the header", sourceName);
            }
            return texts;
        } catch (IOException e) {
            throw Sources.ioFailure(sourceName, e);
        } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw malformed(sourceName, e);
        }
    }

    /**
     * Numeric CSV with options for the built-in sets.
     *
     * @param featureScale every feature value is multiplied by this (1/16 for 8×8 digits)
     * @param classRename  readable class names by label value, or null to keep the values
     */
    static Dataset read(InputStream in, String labelColumn, String sourceName, double featureScale,
                        Map<String, String> classRename) {
        if (labelColumn == null || labelColumn.isBlank()) {
            throw BadInputException.of("%s: a label column is required (e.g. --label target)", sourceName);
        }
        try (Sources.Hashed source = Sources.Hashed.of(in, sourceName);
             CSVParser parser = parser(source.content())) {
            Records records = new Records(parser, sourceName);
            List<String> header = records.header();
            int labelIndex = header.indexOf(labelColumn);
            if (labelIndex < 0) {
                throw BadInputException.of("%s: label column '%s' not found; columns are %s", sourceName,
                        labelColumn, abbreviate(header));
            }
            int cols = header.size();
            int d = cols - 1;
            if (d == 0) {
                throw BadInputException.of("%s: no feature columns besides the label column '%s'", sourceName,
                        labelColumn);
            }
            List<String> featureNames = new ArrayList<>(header);
            featureNames.remove(labelIndex);
            double[] values = new double[Math.max(16, Math.min(d * 1024, 1 << 20))];
            List<String> labels = new ArrayList<>();
            int row = 0;
            while (records.next()) {
                CSVRecord rec = records.current();
                row++;
                checkWidth(rec, cols, row, sourceName);
                long needed = (long) row * d;
                if (needed > MAX_VALUES) {
                    throw BadInputException.of("%s: more than %d values; too large to load", sourceName, MAX_VALUES);
                }
                if (needed > values.length) {
                    values = Arrays.copyOf(values, (int) Math.min(MAX_VALUES, Math.max(needed, 2L * values.length)));
                }
                int base = (row - 1) * d;
                int j = 0;
                for (int c = 0; c < cols; c++) {
                    String cell = rec.get(c).trim();
                    if (c == labelIndex) {
                        if (cell.isEmpty()) {
                            throw BadInputException.of("%s: data row %d has an empty label in column '%s'",
                                    sourceName, row, labelColumn);
                        }
                        labels.add(cell);
                        continue;
                    }
                    values[base + j++] = number(cell, row, header.get(c), sourceName) * featureScale;
                }
            }
            if (row == 0) {
                throw BadInputException.of("%s: no data rows after the header", sourceName);
            }
            Labels enc = Labels.encode(labels, sourceName, labelColumn);
            if (classRename != null) {
                enc = enc.rename(classRename);
            }
            String sha = source.finish();
            Matrix x = new Matrix(row, d, values.length == row * d ? values : Arrays.copyOf(values, row * d));
            return new Dataset(x, enc.y(), featureNames, enc.classNames(), sha);
        } catch (IOException e) {
            throw Sources.ioFailure(sourceName, e);
        } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw malformed(sourceName, e);
        }
    }

    /**
     * Text CSV with options for the built-in sets: the text is the non-empty values of {@code textColumns}
     * joined by a newline.
     */
    static TextDataset readText(InputStream in, String sourceName, List<String> textColumns, String labelColumn,
                                Map<String, String> classRename) {
        try (Sources.Hashed source = Sources.Hashed.of(in, sourceName);
             CSVParser parser = parser(source.content())) {
            Records records = new Records(parser, sourceName);
            List<String> header = records.header();
            int[] textIdx = new int[textColumns.size()];
            for (int t = 0; t < textIdx.length; t++) {
                textIdx[t] = header.indexOf(textColumns.get(t));
                if (textIdx[t] < 0) {
                    throw BadInputException.of("%s: text column '%s' not found; columns are %s", sourceName,
                            textColumns.get(t), abbreviate(header));
                }
            }
            int labelIndex = header.indexOf(labelColumn);
            if (labelIndex < 0) {
                throw BadInputException.of("%s: label column '%s' not found; columns are %s", sourceName,
                        labelColumn, abbreviate(header));
            }
            List<String> texts = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            int row = 0;
            StringBuilder sb = new StringBuilder();
            while (records.next()) {
                CSVRecord rec = records.current();
                row++;
                checkWidth(rec, header.size(), row, sourceName);
                sb.setLength(0);
                for (int idx : textIdx) {
                    String part = rec.get(idx);
                    if (!part.isBlank()) {
                        if (sb.length() > 0) {
                            sb.append('\n');
                        }
                        sb.append(part);
                    }
                }
                if (sb.length() == 0) {
                    throw BadInputException.of("%s: data row %d has an empty text", sourceName, row);
                }
                String label = rec.get(labelIndex).trim();
                if (label.isEmpty()) {
                    throw BadInputException.of("%s: data row %d has an empty label in column '%s'", sourceName,
                            row, labelColumn);
                }
                texts.add(sb.toString());
                labels.add(label);
            }
            if (row == 0) {
                throw BadInputException.of("%s: no data rows after the header", sourceName);
            }
            Labels enc = Labels.encode(labels, sourceName, labelColumn);
            if (classRename != null) {
                enc = enc.rename(classRename);
            }
            return new TextDataset(texts, enc.y(), enc.classNames(), source.finish());
        } catch (IOException e) {
            throw Sources.ioFailure(sourceName, e);
        } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw malformed(sourceName, e);
        }
    }

    /** A CSV read as strings (for small built-in sets with categorical columns). */
    record RawTable(List<String> header, List<String[]> rows, String sha256) {
    }

    static RawTable readRaw(InputStream in, String sourceName) {
        try (Sources.Hashed source = Sources.Hashed.of(in, sourceName);
             CSVParser parser = parser(source.content())) {
            Records records = new Records(parser, sourceName);
            List<String> header = records.header();
            List<String[]> rows = new ArrayList<>();
            int row = 0;
            while (records.next()) {
                row++;
                checkWidth(records.current(), header.size(), row, sourceName);
                String[] cells = records.current().values();
                for (int c = 0; c < cells.length; c++) {
                    cells[c] = cells[c].trim();
                }
                rows.add(cells);
            }
            return new RawTable(header, rows, source.finish());
        } catch (IOException e) {
            throw Sources.ioFailure(sourceName, e);
        } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw malformed(sourceName, e);
        }
    }

    /** Parses one feature cell strictly. */
    static double number(String cell, int row, String column, String sourceName) {
        if (cell.isEmpty()) {
            throw BadInputException.of("%s: data row %d, column '%s' is empty (missing value)", sourceName, row,
                    column);
        }
        if (!Numbers.looksNumericFast(cell)) {
            String lower = cell.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("nan") || lower.contains("inf")) {
                double v = lower.contains("nan") ? Double.NaN
                        : lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                throw notFinite(cell, v, row, column, sourceName);
            }
            throw BadInputException.of("%s: data row %d, column '%s': not a number: '%s'", sourceName, row,
                    column, excerpt(cell));
        }
        double v = Double.parseDouble(cell);
        if (!Double.isFinite(v)) {
            throw notFinite(cell, v, row, column, sourceName);
        }
        return v;
    }

    private static BadInputException notFinite(String cell, double v, int row, String column, String sourceName) {
        return BadInputException.of("%s: data row %d, column '%s': cell '%s': value %s is not finite", sourceName,
                row, column, excerpt(cell), v);
    }

    // ---- parsing helpers -------------------------------------------------------------------------------------

    private static CSVParser parser(InputStream content) throws IOException {
        Reader reader = new InputStreamReader(content, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).build();
        return CSVParser.parse(reader, format);
    }

    /** Iterates records of one file; reads and validates the header first. */
    private static final class Records {
        private final Iterator<CSVRecord> it;
        private final String sourceName;
        private CSVRecord current;

        Records(CSVParser parser, String sourceName) {
            this.it = parser.iterator();
            this.sourceName = sourceName;
        }

        List<String> header() {
            if (!it.hasNext()) {
                throw BadInputException.of("%s is empty (no header row)", sourceName);
            }
            CSVRecord rec = it.next();
            if (rec.size() > MAX_COLUMNS) {
                throw BadInputException.of("%s: header has %d columns, limit %d", sourceName, rec.size(),
                        MAX_COLUMNS);
            }
            List<String> header = new ArrayList<>(rec.size());
            for (int c = 0; c < rec.size(); c++) {
                String h = rec.get(c).trim();
                if (c == 0 && h.startsWith("\uFEFF")) {
                    h = h.substring(1).trim();
                }
                if (h.isEmpty()) {
                    throw BadInputException.of("%s: header column %d has no name", sourceName, c + 1);
                }
                header.add(h);
            }
            Set<String> dup = duplicates(header);
            if (!dup.isEmpty()) {
                throw BadInputException.of("%s: header repeats column name(s) %s", sourceName, dup);
            }
            return header;
        }

        boolean next() {
            if (!it.hasNext()) {
                return false;
            }
            current = it.next();
            return true;
        }

        CSVRecord current() {
            return current;
        }
    }

    private static void checkWidth(CSVRecord rec, int cols, int row, String sourceName) {
        if (rec.size() != cols) {
            throw BadInputException.of("%s: data row %d has %d values but the header has %d columns", sourceName,
                    row, rec.size(), cols);
        }
    }

    private static BadInputException malformed(String sourceName, RuntimeException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof java.nio.charset.CharacterCodingException) {
            return BadInputException.of("%s is not valid UTF-8 text", sourceName);
        }
        String msg = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return BadInputException.of("%s is not valid CSV: %s", sourceName, msg.lines().findFirst().orElse(msg));
    }

    static String excerpt(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    static String abbreviate(List<String> columns) {
        if (columns.size() <= 40) {
            return columns.toString();
        }
        return columns.subList(0, 40) + " and " + (columns.size() - 40) + " more";
    }

    static Set<String> duplicates(List<String> header) {
        Set<String> seen = new HashSet<>();
        Set<String> dup = new HashSet<>();
        for (String h : header) {
            if (!seen.add(h)) {
                dup.add(h);
            }
        }
        return dup;
    }
}
