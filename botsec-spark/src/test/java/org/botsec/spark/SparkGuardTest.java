package org.botsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.botsec.core.BadInputException;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardFindings;
import org.botsec.guard.GuardPipeline;
import org.botsec.guard.Verdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference: the single-process {@link GuardPipeline} (what {@code botsec guard scan} runs) on the same rows. */
class SparkGuardTest {
    private static SparkSession spark;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        spark = Sessions.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Dataset<Row> frame(List<String> texts, int partitions) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false).add("text", DataTypes.StringType, true);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }

    /** Every row's three columns equal the single-process verdict; the mix covers allow, redact and block. */
    static void assertMatchesOracle(Dataset<Row> scanned, List<String> texts, GuardPipeline oracle, Direction dir) throws Exception {
        List<Row> got = scanned.collectAsList();
        assertEquals(texts.size(), got.size());
        Map<String, Integer> verdicts = new HashMap<>();
        for (Row r : got) {
            String text = texts.get(r.getInt(0));
            assertEquals(text, r.getString(1));
            if (text == null) {
                assertNull(r.get(2));
                continue;
            }
            Verdict v = oracle.scan(text, dir);
            String verdict = v.action().name().toLowerCase(Locale.ROOT);
            assertEquals(verdict, r.getString(2), "verdict of row " + r.getInt(0));
            assertEquals(JSON.writeValueAsString(v.findings().stream().map(GuardFindings::toJson).toList()), r.getString(3));
            assertEquals(v.text(), r.getString(4));
            verdicts.merge(verdict, 1, Integer::sum);
        }
        assertTrue(verdicts.keySet().containsAll(List.of("allow", "redact", "block")), "verdict mix " + verdicts);
    }

    @Test
    void defaultPolicyEqualsSingleProcessGuard() throws Exception {
        List<String> texts = new ArrayList<>(TestRows.mixed(600));
        texts.add(null);
        texts.add("");
        Dataset<Row> df = frame(texts, 4);
        Dataset<Row> scanned = SparkGuard.defaults(Direction.INPUT).scan(df, "text");
        assertEquals(List.of("id", "text", SparkGuard.VERDICT, SparkGuard.FINDINGS, SparkGuard.TEXT), List.of(scanned.columns()));
        assertMatchesOracle(scanned, texts, GuardPipeline.defaults(), Direction.INPUT);
    }

    @Test
    void policyFileIsShippedAndApplied(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                scanners:
                  - scanner: pii
                    action: redact
                    pii_types: [EMAIL, CREDIT_CARD]
                  - scanner: prompt_injection
                    action: block
                  - scanner: regex
                    name: order_id
                    pattern: "ORD-[0-9]{6}"
                    action: redact
                """);
        List<String> texts = TestRows.mixed(300);
        Dataset<Row> scanned = SparkGuard.fromPolicy(policy, Direction.INPUT).scan(frame(texts, 3), "text");
        assertMatchesOracle(scanned, texts, GuardPipeline.fromPolicy(policy), Direction.INPUT);
        // the policy differs from the default, so the order id redaction proves it travelled
        assertTrue(scanned.filter("guard_text like '%<ORDER_ID>%'").count() > 0);
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        Dataset<Row> df = frame(List.of("a"), 1);
        BadInputException e = assertThrows(BadInputException.class, () -> SparkGuard.defaults(Direction.INPUT).scan(df, "message"));
        assertEquals("column 'message' not found; the input has columns [id, text]", e.getMessage());
        assertThrows(BadInputException.class, () -> SparkGuard.defaults(Direction.INPUT).scan(df, "id"));
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "version: 1\nscanners:\n  - scanner: toxicity\n    action: block\n");
        BadInputException p = assertThrows(BadInputException.class, () -> SparkGuard.of(Optional.of(bad), Direction.INPUT));
        assertTrue(p.getMessage().contains("toxicity"), p.getMessage());
    }
}
