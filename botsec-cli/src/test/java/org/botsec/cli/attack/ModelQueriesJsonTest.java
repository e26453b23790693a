package org.botsec.cli.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextPipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every attack command's JSON says what the model was asked ({@code model_queries}, counted by the library's
 * {@code QueryCounter} wrapper). Expected counts are worked out by hand from each attack's loops (the comments say
 * which calls), or tied to the attack's own per-row count ({@code mean_queries} × rows) plus the batch calls that the
 * per-row count leaves out.
 */
class ModelQueriesJsonTest {
    @TempDir
    static Path dir;
    static Path digits;
    static Path sentiment;
    static int trainRows;
    static int testRows;

    @BeforeAll
    static void setUp() {
        var train = Builtins.load("digits8x8", Split.TRAIN);
        trainRows = train.size();
        testRows = Builtins.load("digits8x8", Split.TEST).size();
        digits = dir.resolve("digits.safetensors");
        ModelFiles.save(LogisticRegression.builder().maxIterations(50).build().fit(train), digits);
        sentiment = dir.resolve("sentiment.safetensors");
        ModelFiles.save(TextPipeline.fit(Builtins.loadText("sentiment_sentences", Split.TRAIN),
                LogisticRegression.builder().build()), sentiment);
    }

    private static JsonNode run(String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), r.toString());
        JsonNode q = r.json().get("model_queries");
        assertTrue(q != null && q.isObject(), "model_queries in " + r.out());
        assertEquals(q.get("predict_rows").asLong() + q.get("gradient_rows").asLong(), q.get("total_rows").asLong());
        return r.json();
    }

    private static JsonNode evasion(String... extra) {
        String[] base = {"attack", "evasion", "--model", digits.toString(), "--data", "builtin:digits8x8:test",
                "--quiet", "--json", "--limit", "5"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return run(all);
    }

    private static void assertQueries(JsonNode j, long predictCalls, long predictRows, long gradientCalls,
            long gradientRows) {
        JsonNode q = j.get("model_queries");
        assertEquals(predictCalls, q.get("predict_calls").asLong(), q.toString());
        assertEquals(predictRows, q.get("predict_rows").asLong(), q.toString());
        assertEquals(gradientCalls, q.get("gradient_calls").asLong(), q.toString());
        assertEquals(gradientRows, q.get("gradient_rows").asLong(), q.toString());
    }

    /** The attack's own per-row count summed over the rows. */
    private static long perRow(JsonNode j) {
        JsonNode m = j.get("metrics");
        return Math.round(m.get("mean_queries").asDouble() * m.get("rows").asDouble());
    }

    @Test
    void gradientAttacks() {
        // FGSM: clean predictions, one gradient of the 5 rows, adversarial predictions
        assertQueries(evasion("--method", "fgsm", "--epsilon", "0.1"), 2, 10, 1, 5);
        // PGD-3: clean predictions, 3 gradients, adversarial predictions
        assertQueries(evasion("--method", "pgd", "--epsilon", "0.1", "--steps", "3"), 2, 10, 3, 15);
        // JSMA: the per-row count holds its gradients and predictions; plus the clean and adversarial batches
        JsonNode jsma = evasion("--method", "jsma", "--gamma", "0.1");
        assertEquals(perRow(jsma) + 10, jsma.get("model_queries").get("total_rows").asLong());
    }

    @Test
    void blackBoxAttacks() {
        // Square and HopSkipJump count each row's clean prediction and every candidate per row; the adversarial
        // predictions (one batch of 5) come on top; no gradients
        for (JsonNode j : new JsonNode[] {
                evasion("--method", "square", "--epsilon", "0.2", "--max-queries", "20", "--seed", "3"),
                evasion("--method", "hopskipjump", "--max-queries", "40", "--seed", "5")}) {
            assertEquals(perRow(j) + 5, j.get("model_queries").get("predict_rows").asLong(), j.toString());
            assertEquals(0, j.get("model_queries").get("gradient_calls").asLong());
        }
    }

    @Test
    void wordAttack() {
        JsonNode j = run("attack", "evasion", "--model", sentiment.toString(), "--data",
                "builtin:sentiment_sentences:test", "--method", "text", "--max-words", "2", "--limit", "6", "--quiet",
                "--json");
        // every text's count starts with its clean prediction and adds each candidate scored; nothing else asked
        assertEquals(perRow(j), j.get("model_queries").get("predict_rows").asLong());
        assertEquals(0, j.get("model_queries").get("gradient_calls").asLong());
    }

    @Test
    void privacyAttacks() {
        // threshold membership: the members' losses (1 call) and the non-members' (1 call)
        assertQueries(run("attack", "membership", "--model", digits.toString(), "--members",
                "builtin:digits8x8:train", "--non-members", "builtin:digits8x8:test", "--json"), 2,
                trainRows + testRows, 0, 0);
        // extraction: the victim labels the largest budget's 30 queries once and the test rows once (fidelity)
        assertQueries(run("attack", "extraction", "--model", digits.toString(), "--queries", "builtin:digits8x8:train",
                "--test", "builtin:digits8x8:test", "--budgets", "10,30", "--seed", "1", "--json"), 2, 30 + testRows,
                0, 0);
        // gradient inversion of one class: the start's confidence, then per iteration one gradient and one
        // confidence (single rows)
        JsonNode inv = run("attack", "inversion", "--model", digits.toString(), "--classes", "3", "--iterations",
                "7", "--seed", "1", "--quiet", "--json");
        long it = inv.get("reconstructions").get(0).get("iterations").asLong();
        assertTrue(it >= 1 && it <= 7, inv.toString());
        assertQueries(inv, it + 1, it + 1, it, it);
    }
}
