package org.botsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch command end to end on files; reference: the single-process guard on the same texts. */
class BatchMainTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = Sessions.local(); // BatchMain's getOrCreate reuses it
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BatchMain.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String csvField(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Test
    void csvInParquetAndJsonlOutMatchSingleProcess(@TempDir Path dir) throws Exception {
        List<String> texts = new ArrayList<>(TestRows.mixed(90));
        texts.add("two lines,\n\"quoted\" and mail jane@example.com");
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < texts.size(); i++) {
            csv.append(i).append(',').append(csvField(texts.get(i))).append('\n');
        }
        Path in = dir.resolve("chats.csv");
        Files.writeString(in, csv);
        String parquet = dir.resolve("scanned.parquet").toString();
        Run r = run("guard", "--input", in.toString(), "--output", parquet, "--partitions", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("scanned " + texts.size() + " rows into " + parquet, r.out().trim());
        GuardPipeline oracle = GuardPipeline.defaults();
        List<Row> got = spark.read().parquet(parquet).collectAsList();
        assertEquals(texts.size(), got.size());
        for (Row row : got) {
            String text = texts.get(Integer.parseInt(row.getAs("id").toString()));
            assertEquals(text, row.getAs("text"));
            var v = oracle.scan(text, Direction.INPUT);
            assertEquals(v.action().name().toLowerCase(Locale.ROOT), row.getAs(SparkGuard.VERDICT));
            assertEquals(v.text(), row.getAs(SparkGuard.TEXT));
        }
        // a second pass over the scanned parquet
        String jsonl = dir.resolve("again.jsonl").toString();
        Run r2 = run("guard", "--input", parquet, "--output", jsonl, "--column", SparkGuard.TEXT, "--direction", "output");
        // the input already carries guard_* columns: refused in one line, nothing written
        assertEquals(2, r2.code());
        assertEquals("error: the input already has a column 'guard_verdict'; rename it first", r2.err().trim());
        assertFalse(Files.exists(Path.of(jsonl)));
        assertNoTempDirs(dir);
    }

    @Test
    void badInputExitsTwoWithOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"message\": \"hello\"}\n{\"message\": \"card 4111 1111 1111 1111\"}\n");
        String out = dir.resolve("out.parquet").toString();

        Run missingColumn = run("guard", "--input", in.toString(), "--output", out);
        assertEquals(2, missingColumn.code());
        assertEquals("error: column 'text' not found; the input has columns [message]", missingColumn.err().trim());

        Run missingPath = run("guard", "--input", dir.resolve("nope.csv").toString(), "--output", out);
        assertEquals(2, missingPath.code());
        assertEquals("error: input " + dir.resolve("nope.csv") + " does not exist", missingPath.err().trim());

        Run unknownFormat = run("guard", "--input", dir.resolve("in.txt").toString(), "--output", out);
        assertEquals(2, unknownFormat.code());
        assertTrue(unknownFormat.err().trim().startsWith("error: cannot tell the format of"), unknownFormat.err());

        Run badFormatFlag = run("guard", "--input", in.toString(), "--output", out, "--format", "xml");
        assertEquals("error: unknown format 'xml': use csv, parquet or jsonl", badFormatFlag.err().trim());

        Run explain = run("explain", "--input", in.toString(), "--output", out);
        assertEquals(2, explain.code());
        assertEquals(1, explain.err().trim().lines().count());

        assertFalse(Files.exists(Path.of(out)));
        Run ok = run("guard", "--input", in.toString(), "--output", out, "--column", "message");
        assertEquals(0, ok.code(), ok.err());
        Run exists = run("guard", "--input", in.toString(), "--output", out, "--column", "message");
        assertEquals(2, exists.code());
        assertEquals("error: output " + out + " already exists; remove it or choose another path", exists.err().trim());
        assertNoTempDirs(dir);
    }

    private static void assertNoTempDirs(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).sorted(Comparator.naturalOrder()).toList();
            assertEquals(List.of(), left);
        }
    }
}
