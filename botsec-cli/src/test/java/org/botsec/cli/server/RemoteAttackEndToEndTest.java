package org.botsec.cli.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.botsec.attack.evasion.EvasionResult;
import org.botsec.attack.evasion.SquareAttack;
import org.botsec.attack.evasion.Targets;
import org.botsec.attack.evasion.ValueRange;
import org.botsec.cli.CliRun;
import org.botsec.cli.ExitCode;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.guard.GuardPipeline;
import org.botsec.onnx.OnnxClassifier;
import org.botsec.onnx.OutputKind;
import org.botsec.remote.EndpointMapping;
import org.botsec.remote.HttpClassifier;
import org.botsec.server.ApiKeys;
import org.botsec.server.GatewayServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model deployed behind the gateway ({@code POST /v1/models/digits/predict}, a PyTorch-exported ONNX CNN) and
 * attacked black-box through HTTP on loopback. The oracle: the same Square attack with the same seed on the local
 * model gives the same adversarial examples, and the endpoint was asked exactly as often as the attack counted.
 */
class RemoteAttackEndToEndTest {
    static final Path MODELS = Path.of("..", "botsec-onnx", "src", "test", "resources", "onnx");
    static final String KEY = "test-key-0123456789";

    @TempDir
    static Path dir;

    static OnnxClassifier local;
    static GatewayServer keyed;
    static GatewayServer open;

    @BeforeAll
    static void deploy() {
        local = OnnxClassifier.builder(MODELS.resolve("digits_cnn_f32_logits.onnx")).outputKind(OutputKind.LOGITS)
                .build();
        keyed = GatewayServer.builder().guard(GuardPipeline.defaults()).port(0).shutdownGrace(Duration.ZERO)
                .apiKeys(ApiKeys.of(Map.of("pentest", KEY))).model("digits", local).build().start();
        open = GatewayServer.builder().guard(GuardPipeline.defaults()).port(0).shutdownGrace(Duration.ZERO)
                .model("digits", local).build().start();
    }

    @AfterAll
    static void undeploy() {
        keyed.close();
        open.close();
        local.close();
    }

    /** The digits8x8 column names p0..p63 (the model's metadata names them too). */
    static final String PIXELS = IntStream.range(0, 64).mapToObj(i -> "\"p" + i + "\"")
            .collect(java.util.stream.Collectors.joining(", ", "[", "]"));

    static String mapping(GatewayServer gw, String extra) {
        return "{\"format\": \"botsec-remote/1\", \"url\": \"" + gw.baseUri() + "/v1/models/digits/predict\","
                + " \"request\": {\"rows\": \"${rows}\"}, \"probabilities\": \"/probabilities\","
                + " \"class_names\": [\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"],"
                + " \"feature_names\": " + PIXELS + ", \"batch_size\": 100, \"timeout_ms\": 20000" + extra + "}";
    }

    @Test
    void squareAttackThroughTheGatewayMatchesTheLocalAttack() throws Exception {
        String json = mapping(keyed, ", \"auth\": {\"header\": \"Authorization\", \"env\": \"DIGITS_KEY\", "
                + "\"prefix\": \"Bearer \"}");
        EndpointMapping m = EndpointMapping.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json), "test");
        HttpClassifier remote = HttpClassifier.of(m, Map.of("DIGITS_KEY", KEY)::get);
        Dataset test = DataSources.loadNumeric("builtin:digits8x8:test", null);
        Matrix x = test.x().selectRows(IntStream.range(0, 12).toArray());
        int[] y = java.util.Arrays.copyOf(test.y(), 12);
        EvasionResult viaHttp = new SquareAttack(0.3, 30, 0.8, ValueRange.UNIT, Targets.TRUE, 11).run(remote, x, y);
        EvasionResult direct = new SquareAttack(0.3, 30, 0.8, ValueRange.UNIT, Targets.TRUE, 11).run(local, x, y);
        assertArrayEquals(direct.adversarial().data(), viaHttp.adversarial().data(), 1e-12);
        assertArrayEquals(direct.adversarialPredictions(), viaHttp.adversarialPredictions());
        long counted = java.util.Arrays.stream(viaHttp.queries()).sum();
        assertTrue(remote.queries().queries() >= counted, remote.queries() + " vs " + counted);
        assertEquals(0, remote.queries().retries());
        // without the key the gateway refuses: one line, exit-2 kind
        HttpClassifier anonymous = HttpClassifier.of(EndpointMapping.parse(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(mapping(keyed, "")), "test"), k -> null);
        org.botsec.core.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.botsec.core.BadInputException.class, () -> anonymous.predictProba(x));
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    }

    @Test
    void cliAttacksTheDeployedModelAndABudgetStopsItWithExitThree() throws Exception {
        Path endpoint = dir.resolve("digits.endpoint.json");
        Files.writeString(endpoint, mapping(open, ""));
        CliRun r = CliRun.run("attack", "evasion", "--model", endpoint.toString(), "--data", "builtin:digits8x8:test",
                "--method", "square", "--epsilon", "0.3", "--max-queries", "20", "--seed", "3", "--limit", "10",
                "--json", "-q");
        assertEquals(0, r.code(), r.toString());
        JsonNode metrics = r.json().get("metrics");
        CliRun l = CliRun.run("attack", "evasion", "--model", MODELS.resolve("digits_cnn_f32_logits.onnx").toString(),
                "--data", "builtin:digits8x8:test", "--method", "square", "--epsilon", "0.3", "--max-queries", "20",
                "--seed", "3", "--limit", "10", "--json", "-q");
        // the raw file reads as probabilities and is refused; the same attack on the imported model is the oracle
        assertEquals(ExitCode.BAD_INPUT, l.code());
        Path imported = dir.resolve("digits.onnx");
        assertEquals(0, CliRun.run("models", "import-onnx", "--from",
                MODELS.resolve("digits_cnn_f32_logits.onnx").toString(), "--output-kind", "logits", "--out",
                imported.toString()).code());
        JsonNode localMetrics = CliRun.run("attack", "evasion", "--model", imported.toString(), "--data",
                "builtin:digits8x8:test", "--method", "square", "--epsilon", "0.3", "--max-queries", "20", "--seed",
                "3", "--limit", "10", "--json", "-q").json().get("metrics");
        assertEquals(localMetrics, metrics);

        Path small = dir.resolve("small.endpoint.json");
        Files.writeString(small, mapping(open, ", \"max_queries\": 50"));
        CliRun stopped = CliRun.run("attack", "evasion", "--model", small.toString(), "--data",
                "builtin:digits8x8:test", "--method", "square", "--epsilon", "0.3", "--max-queries", "20", "--seed",
                "3", "--limit", "10", "--json", "-q");
        assertEquals(ExitCode.THRESHOLD_FAILED, stopped.code(), stopped.toString());
        assertTrue(stopped.err().contains("query budget exhausted"), stopped.err());
        assertEquals("", stopped.out());
    }
}
