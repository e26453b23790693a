package org.botsec.cli.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.attack.evasion.EvasionResult;
import org.botsec.attack.evasion.GradientAttack;
import org.botsec.attack.evasion.HopSkipJump;
import org.botsec.attack.evasion.HopSkipJumpResult;
import org.botsec.attack.evasion.JsmaAttack;
import org.botsec.attack.evasion.JsmaResult;
import org.botsec.attack.evasion.TargetClass;
import org.botsec.attack.text.WordAttack;
import org.botsec.attack.text.WordAttackResult;
import org.botsec.core.model.TextPipeline;
import org.botsec.attack.evasion.Norm;
import org.botsec.cli.CliRun;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code botsec attack evasion}: the CLI prints what the library computes (oracle: {@link GradientAttack} run
 * directly on the same rows), the CI gate exits 3, and each bad input is one line with exit 2.
 */
class EvasionCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static LinearModel linear;

    @BeforeAll
    static void setUp() {
        linear = LogisticRegression.builder().maxIterations(50).build().fit(Builtins.load("digits8x8", Split.TRAIN));
        model = dir.resolve("digits.safetensors");
        ModelFiles.save(linear, model);
    }

    private static CliRun attack(String... extra) {
        String[] base = {"attack", "evasion", "--model", model.toString(), "--data", "builtin:digits8x8:test",
                "--quiet"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.run(all);
    }

    @Test
    void pgdJsonIsTheLibraryResult() {
        CliRun r = attack("--method", "pgd", "--norm", "l2", "--epsilon", "0.5", "--steps", "10", "--step-size",
                "0.1", "--limit", "100", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("evasion.pgd", j.get("attack").asText());
        Dataset test = Builtins.load("digits8x8", Split.TEST);
        int[] rows = java.util.stream.IntStream.range(0, 100).toArray();
        Dataset first = test.subset(rows);
        EvasionResult lib = GradientAttack.pgd().norm(Norm.L2).epsilon(0.5).steps(10).stepSize(0.1).build()
                .run(linear, first.x(), first.y());
        assertEquals(lib.metrics().robustAccuracy(), j.get("metrics").get("robust_accuracy").asDouble(), 1e-12);
        assertEquals(lib.metrics().successRate(), j.get("metrics").get("success_rate").asDouble(), 1e-12);
        assertEquals(lib.metrics().cleanAccuracy(), j.get("metrics").get("clean_accuracy").asDouble(), 1e-12);
        assertTrue(j.get("metrics").get("max_l2").asDouble() <= 0.5 + 1e-9);
        JsonNode f = j.get("findings").get(0);
        assertEquals("attack.evasion.pgd", f.get("rule_id").asText());
        assertEquals("evasion", f.get("kind").asText());
        assertEquals("l2", j.get("settings").get("norm").asText());
    }

    @Test
    void curveFallsWithEpsilon() {
        CliRun r = attack("--method", "fgsm", "--curve", "0,0.05,0.2", "--limit", "100", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode c = r.json().get("curve");
        assertEquals(3, c.size());
        assertEquals(r.json().get("metrics").get("clean_accuracy").asDouble(), c.get(0).get("robust_accuracy")
                .asDouble(), 1e-12, "epsilon 0 changes nothing");
        assertTrue(c.get(2).get("robust_accuracy").asDouble() < c.get(1).get("robust_accuracy").asDouble());
        assertEquals(0.2, r.json().get("settings").get("epsilon").asDouble());
    }

    @Test
    void squareIsBlackBoxAndCountsQueries() {
        CliRun r = attack("--method", "square", "--epsilon", "0.2", "--max-queries", "50", "--seed", "3", "--limit",
                "40", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("evasion.square", j.get("attack").asText());
        assertTrue(j.get("metrics").get("max_queries").asDouble() <= 50);
        assertTrue(j.get("metrics").get("max_linf").asDouble() <= 0.2 + 1e-12);
        assertEquals(3, j.get("seed").asLong());
        assertEquals(2, attack("--method", "square", "--epsilon", "0.2", "--max-queries", "0").code());
        CliRun l2 = attack("--method", "square", "--norm", "l2", "--epsilon", "1", "--max-queries", "60", "--seed",
                "3", "--limit", "40", "--json");
        assertEquals(0, l2.code(), l2.toString());
        assertEquals("l2", l2.json().get("settings").get("norm").asText());
        assertTrue(l2.json().get("metrics").get("max_l2").asDouble() <= 1 + 1e-9);
        assertTrue(l2.json().get("metrics").get("max_queries").asDouble() <= 60);
    }

    @Test
    void jsmaJsonIsTheLibraryResult() {
        CliRun r = attack("--method", "jsma", "--gamma", "0.2", "--target-class", "random", "--seed", "4",
                "--limit", "60", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("evasion.jsma", j.get("attack").asText());
        Dataset test = Builtins.load("digits8x8", Split.TEST);
        int[] rows = java.util.stream.IntStream.range(0, 60).toArray();
        Dataset first = test.subset(rows);
        JsmaResult lib = JsmaAttack.builder().gamma(0.2).targetClass(TargetClass.RANDOM).seed(4).build()
                .run(linear, first.x(), first.y());
        assertEquals(lib.evasion().metrics().successRate(), j.get("metrics").get("success_rate").asDouble(), 1e-12);
        assertEquals(lib.targetedSuccessRate(), j.get("metrics").get("targeted_success_rate").asDouble(), 1e-12);
        assertEquals(lib.evasion().metrics().meanL0(), j.get("metrics").get("mean_l0").asDouble(), 1e-12);
        assertTrue(j.get("metrics").get("max_l0").asDouble() <= 12);
        assertEquals(4, j.get("seed").asLong());
        assertEquals(2, attack("--method", "jsma", "--gamma", "0").code());
        assertEquals(2, attack("--method", "pgd", "--epsilon", "0.1", "--theta", "1").code());
    }

    @Test
    void hopSkipJumpIsDecisionBasedAndCapsQueries() {
        CliRun r = attack("--method", "hopskipjump", "--norm", "l2", "--epsilon", "1.5", "--max-queries", "300",
                "--seed", "5", "--limit", "30", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("evasion.hopskipjump", j.get("attack").asText());
        Dataset first = Builtins.load("digits8x8", Split.TEST).subset(java.util.stream.IntStream.range(0, 30)
                .toArray());
        HopSkipJumpResult lib = HopSkipJump.builder().norm(Norm.L2).epsilon(1.5).maxQueries(300).seed(5).build()
                .run(linear, first.x(), first.y());
        assertEquals(lib.evasion().metrics().successRate(), j.get("metrics").get("success_rate").asDouble(), 1e-12);
        assertEquals(lib.budgetExhaustedRows(), j.get("metrics").get("budget_exhausted_rows").asDouble(), 1e-12);
        assertTrue(j.get("metrics").get("max_queries").asDouble() <= 300);
        assertTrue(j.get("metrics").get("max_l2").asDouble() <= 1.5 + 1e-12);
        CliRun text = attack("--method", "hopskipjump", "--max-queries", "40", "--seed", "5", "--limit", "5");
        assertEquals(0, text.code(), text.toString());
        assertTrue(text.out().contains("rows stopped by the query budget"), text.out());
    }

    @Test
    void textAttackOnATextModelIsTheLibraryResult() {
        TextPipeline text = TextPipeline.fit(Builtins.loadText("sentiment_sentences", Split.TRAIN),
                LogisticRegression.builder().build());
        Path tm = dir.resolve("sentiment.safetensors");
        ModelFiles.save(text, tm);
        CliRun r = CliRun.run("attack", "evasion", "--model", tm.toString(), "--data",
                "builtin:sentiment_sentences:test", "--method", "text", "--max-words", "2", "--limit", "80", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("evasion.text", j.get("attack").asText());
        var test = Builtins.loadText("sentiment_sentences", Split.TEST);
        WordAttackResult lib = WordAttack.builder().maxWords(2).build().run((TextPipeline) ModelFiles.load(tm),
                test.texts().subList(0, 80), java.util.Arrays.copyOf(test.y(), 80));
        assertEquals(lib.metrics().get("success_rate"), j.get("metrics").get("success_rate").asDouble(), 1e-12);
        assertEquals(lib.metrics().get("mean_words_changed"), j.get("metrics").get("mean_words_changed").asDouble(),
                1e-12);
        assertEquals((int) (double) lib.metrics().get("flipped"), j.get("flipped_rows").size());
        assertEquals("attack.evasion.text", j.get("findings").get(0).get("rule_id").asText());
        CliRun human = CliRun.run("attack", "evasion", "--model", tm.toString(), "--data",
                "builtin:sentiment_sentences:test", "--method", "text", "--limit", "30", "--edits", "typos",
                "--max-success-rate", "0");
        assertEquals(3, human.code(), human.toString());
        assertTrue(human.out().contains("words changed"), human.out());
        assertEquals(2, CliRun.run("attack", "evasion", "--model", tm.toString(), "--data",
                "builtin:sentiment_sentences:test", "--method", "text", "--epsilon", "0.1").code());
        assertEquals(2, CliRun.run("attack", "evasion", "--model", tm.toString(), "--data",
                "builtin:sentiment_sentences:test", "--method", "fgsm", "--epsilon", "0.1").code());
        assertEquals(2, attack("--method", "fgsm", "--epsilon", "0.1", "--max-words", "2").code());
    }

    @Test
    void gateExitsThreeWhenSuccessRateIsAbove() {
        CliRun r = attack("--method", "fgsm", "--epsilon", "0.2", "--max-success-rate", "0.05");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("above --max-success-rate 0.05"), r.err());
        assertEquals(0, attack("--method", "fgsm", "--epsilon", "0", "--max-success-rate", "0").code());
    }

    @Test
    void fewPixelWritesPngs() throws IOException {
        Path png = Files.createDirectory(dir.resolve("png"));
        CliRun r = attack("--method", "few-pixel", "--max-pixels", "8", "--limit", "5", "--png", png.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("pixels to flip"), r.out());
        try (var files = Files.list(png)) {
            assertEquals(5, files.count());
        }
    }

    @Test
    void badInputsAreOneLineExitTwo() throws IOException {
        Path csv = dir.resolve("big.csv");
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 64; j++) {
            sb.append("p").append(j).append(',');
        }
        sb.append("label\n");
        for (int j = 0; j < 64; j++) {
            sb.append(j == 3 ? "16" : "0").append(',');
        }
        sb.append("0\n");
        sb.append("0,".repeat(64)).append("1\n");
        Files.writeString(csv, sb);
        String[][] cases = {
                {"--method", "fgsm", "--epsilon", "-0.1"}, // epsilon < 0
                {"--method", "pgd", "--epsilon", "0.1", "--steps", "0"},
                {"--method", "pgd", "--epsilon", "0.1", "--norm", "l3"},
                {"--method", "jsma", "--epsilon", "0.1"}, // JSMA's budget is --gamma
                {"--method", "hopskipjump", "--max-queries", "0"},
                {"--method", "text"}, // a numeric model
                {"--method", "pgd"}, // no epsilon
                {"--method", "fgsm", "--epsilon", "0.1", "--value-range", "1:0"},
        };
        String[] expected = {"epsilon must be >= 0", "steps must be from 1", "norm must be linf or l2",
                "does not apply to --method jsma", "query budget", "--method text needs a text model", "needs --epsilon",
                "value range must have min < max"};
        for (int c = 0; c < cases.length; c++) {
            CliRun r = attack(cases[c]);
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains(expected[c]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        CliRun r = CliRun.run("attack", "evasion", "--model", model.toString(), "--data", csv.toString(), "--label",
                "label", "--method", "fgsm", "--epsilon", "0.1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("p3 = 16.0 is outside the model's value range"), r.err());
    }
}
