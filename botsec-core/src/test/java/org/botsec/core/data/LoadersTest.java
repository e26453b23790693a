package org.botsec.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gives a one-line BadInputException that names the value. */
class LoadersTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static String bad(Executable e, String... expectedParts) {
        BadInputException ex = assertThrows(BadInputException.class, e);
        String msg = ex.getMessage();
        assertTrue(!msg.contains("\n"), "one line: " + msg);
        for (String part : expectedParts) {
            assertTrue(msg.contains(part), "'" + msg + "' should contain '" + part + "'");
        }
        return msg;
    }

    @Test
    void readsNumericCsvWithHashAndNumericAwareClassOrder() throws Exception {
        Path p = write("d.csv", "a,b,label\n1,2.5,10\n-3,4e-1,2\n0,0,1\n5,5,2\n");
        Dataset d = CsvLoader.load(p, "label");
        assertEquals(List.of("1", "2", "10"), d.classNames());
        assertArrayEquals(new int[] {2, 1, 0, 1}, d.y());
        assertEquals(List.of("a", "b"), d.featureNames());
        assertEquals(0.4, d.x().get(1, 1));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        assertEquals(sha, d.sha256());
        // label column in the middle, word labels, gzip
        Path gz = dir.resolve("w.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("x,kind,y\n1,spam,2\n3,ham,4\n".getBytes(StandardCharsets.UTF_8));
        }
        Dataset w = CsvLoader.load(gz, "kind");
        assertEquals(List.of("ham", "spam"), w.classNames());
        assertEquals(List.of("x", "y"), w.featureNames());
        assertEquals(4.0, w.x().get(1, 1));
        // a UTF-8 byte order mark before the header is not part of the first column's name
        assertEquals(List.of("a"), CsvLoader.load(write("bom.csv", "\uFEFFa,y\n1,0\n2,1\n"), "y").featureNames());
    }

    @Test
    void badNumericCsvInputs() throws IOException {
        bad(() -> CsvLoader.load(dir.resolve("nope.csv"), "y"), "not found", "nope.csv");
        bad(() -> CsvLoader.load(write("r.csv", "a,b,y\n1,2,0\n3,1\n"), "y"), "data row 2", "2 values", "3 columns");
        bad(() -> CsvLoader.load(write("n.csv", "a,b,y\n1,2,0\n3,abc,1\n"), "y"), "data row 2", "'b'", "'abc'");
        bad(() -> CsvLoader.load(write("nan.csv", "a,y\nNaN,0\n1,1\n"), "y"), "not finite", "'NaN'");
        bad(() -> CsvLoader.load(write("inf.csv", "a,y\n1,0\n-Infinity,1\n"), "y"), "not finite", "data row 2");
        bad(() -> CsvLoader.load(write("big.csv", "a,y\n1e999,0\n1,1\n"), "y"), "not finite", "'1e999'");
        bad(() -> CsvLoader.load(write("hex.csv", "a,y\n0x10,0\n1,1\n"), "y"), "not a number", "'0x10'");
        bad(() -> CsvLoader.load(write("e.csv", "a,y\n,0\n1,1\n"), "y"), "data row 1", "'a'", "empty");
        bad(() -> CsvLoader.load(write("l.csv", "a,b\n1,2\n"), "target"), "'target' not found", "[a, b]");
        bad(() -> CsvLoader.load(write("s.csv", "a,y\n1,yes\n2,yes\n"), "y"), "single class", "'yes'");
        bad(() -> CsvLoader.load(write("h.csv", "a,y\n"), "y"), "no data rows");
        bad(() -> CsvLoader.load(write("z.csv", ""), "y"), "empty");
        bad(() -> CsvLoader.load(write("dup.csv", "a,a,y\n1,2,0\n"), "y"), "repeats", "a");
        bad(() -> CsvLoader.load(write("q.csv", "a,y\n\"1,0\n"), "y"), "q.csv");
        bad(() -> CsvLoader.load(write("only.csv", "y\n0\n1\n"), "y"), "no feature columns");
        Path notUtf8 = dir.resolve("bin.csv");
        Files.write(notUtf8, new byte[] {'a', ',', 'y', '\n', (byte) 0xff, (byte) 0xfe, ',', '1', '\n'});
        bad(() -> CsvLoader.load(notUtf8, "y"), "UTF-8");
        bad(() -> CsvLoader.load(dir, "y"), "not a regular file");
    }

    @Test
    void refusesFilesOverTwoGibibytes() throws IOException {
        Path huge = dir.resolve("huge.csv");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L * 1024 * 1024 * 1024); // sparse: takes no disk space
        }
        bad(() -> CsvLoader.load(huge, "y"), "too large", "huge.csv");
    }

    @Test
    void textCsv() throws IOException {
        Path p = write("t.csv", "text,label\n\"Hello, world\",pos\n\"bad\nthing\",neg\n");
        TextDataset t = CsvLoader.loadText(p);
        assertEquals(List.of("Hello, world", "bad\nthing"), t.texts());
        assertEquals(List.of("neg", "pos"), t.classNames());
        bad(() -> CsvLoader.loadText(write("t2.csv", "text,label\n \t,pos\nok,neg\n")), "data row 1", "empty text");
        bad(() -> CsvLoader.loadText(write("t3.csv", "body,label\nx,1\n")), "'text' not found", "[body, label]");
        bad(() -> CsvLoader.loadText(write("t4.csv", "text,label\nx,\n")), "empty label");
    }

    @Test
    void dataSources() throws IOException {
        assertEquals(569, DataSources.loadNumeric("builtin:breast_cancer", null).size());
        assertEquals(456, DataSources.loadNumeric("builtin:breast_cancer:train", null).size());
        assertEquals(113, DataSources.loadNumeric("builtin:breast_cancer:test", "ignored").size());
        assertEquals(600, DataSources.loadText("builtin:sentiment_sentences:test").size());
        bad(() -> DataSources.loadNumeric("builtin:iris", null), "'iris'", "breast_cancer", "spamassassin");
        bad(() -> DataSources.loadNumeric("builtin:breast_cancer:validation", null), "'validation'");
        bad(() -> DataSources.loadNumeric("builtin:spamassassin", null), "text");
        bad(() -> DataSources.loadText("builtin:digits8x8"), "not text");
        Path p = write("d.csv", "a,y\n1,0\n2,1\n");
        bad(() -> DataSources.loadNumeric(p.toString(), null), "--label", "d.csv");
        assertEquals(2, DataSources.loadNumeric(p.toString(), "y").size());
        bad(() -> DataSources.loadNumeric("", "y"), "no data");
    }

    // ---- IDX ----------------------------------------------------------------------------------------------------

    private static byte[] idxImages(int magic, int n, int rows, int cols, int pixelBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixelBytes);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < pixelBytes; i++) {
            b.put((byte) (i * 51));
        }
        return b.array();
    }

    private static byte[] idxLabels(int n, int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(2049).putInt(n);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static Dataset idx(byte[] images, byte[] labels) {
        return IdxReader.read(new ByteArrayInputStream(images), new ByteArrayInputStream(labels), null);
    }

    @Test
    void idxReadsAndScales() throws IOException {
        Dataset d = idx(gzip(idxImages(2051, 2, 1, 3, 6)), idxLabels(2, 1, 0));
        Matrix x = d.x();
        assertEquals(2, x.rows());
        assertEquals(3, x.cols());
        assertEquals(51 / 255.0, x.get(0, 1), 1e-15);
        assertEquals(1.0, x.get(1, 2), 1e-15); // 5 * 51 = 255
        assertArrayEquals(new int[] {1, 0}, d.y());
        assertEquals(List.of("0", "1"), d.classNames());
        assertEquals(List.of("p0", "p1", "p2"), d.featureNames());
        assertEquals(64, d.sha256().length());
    }

    @Test
    void idxRejectsBadFiles() {
        byte[] labels = idxLabels(2, 0, 1);
        bad(() -> idx(idxImages(2049, 2, 1, 3, 6), labels), "magic", "2049");
        bad(() -> idx(idxImages(2051, 2, 1, 3, 5), labels), "ends after 5", "6 bytes");
        bad(() -> idx(idxImages(2051, 2, 1, 3, 7), labels), "more bytes");
        bad(() -> idx(idxImages(2051, 2, 0, 3, 0), labels), "implausible", "2 x 0 x 3");
        bad(() -> idx(idxImages(2051, 1_000_000, 28, 28, 0), labels), "exceeds the limit");
        bad(() -> idx(idxImages(2051, 2, 1, 3, 6), idxLabels(3, 0, 1, 1)), "3 labels but 2 images");
        bad(() -> idx(idxImages(2051, 2, 1, 3, 6), idxLabels(2, 0)), "ends after 1");
        bad(() -> idx(new byte[] {0, 0, 8}, labels), "header");
        bad(() -> idx(new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}, labels), "IDX images");
        bad(() -> IdxReader.read(new ByteArrayInputStream(idxImages(2051, 2, 1, 3, 6)),
                new ByteArrayInputStream(idxLabels(2, 0, 5)), List.of("a", "b")), "label 5", "2 classes");
    }

    // ---- splits and scaling -------------------------------------------------------------------------------------

    @Test
    void stratifiedSplitIsDeterministicDisjointAndProportional() {
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            y[i] = i < 70 ? 0 : 1;
        }
        int[][] a = Splits.stratified(y, 0.2, 42);
        int[][] b = Splits.stratified(y, 0.2, 42);
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
        assertEquals(80, a[0].length);
        assertEquals(20, a[1].length);
        int ones = 0;
        boolean[] seen = new boolean[100];
        for (int i : a[1]) {
            ones += y[i];
            seen[i] = true;
        }
        for (int i : a[0]) {
            assertTrue(!seen[i]);
            seen[i] = true;
        }
        assertEquals(6, ones); // round(0.2 * 30)
        for (boolean s : seen) {
            assertTrue(s);
        }
        int[][] c = Splits.stratified(y, 0.2, 43);
        assertTrue(!java.util.Arrays.equals(a[1], c[1]), "another seed gives another split");
        int[] folds = Splits.stratifiedFolds(y, 5, 1);
        int[] sizes = new int[5];
        for (int f : folds) {
            sizes[f]++;
        }
        assertArrayEquals(new int[] {20, 20, 20, 20, 20}, sizes);
    }

    @Test
    void standardizerUsesPopulationStdAndUnitScaleForConstantColumns() {
        Matrix x = Matrix.of(new double[][] {{1, 0.1}, {3, 0.1}, {5, 0.1}});
        Standardizer s = Standardizer.fit(x);
        assertArrayEquals(new double[] {3, 0.1}, s.mean(), 1e-15);
        assertEquals(Math.sqrt(8.0 / 3.0), s.scale()[0], 1e-15);
        assertEquals(1.0, s.scale()[1]);
        Matrix t = s.transform(x);
        assertEquals(-2 / Math.sqrt(8.0 / 3.0), t.get(0, 0), 1e-15);
        assertEquals(0.0, t.get(2, 1), 1e-15);
    }
}
