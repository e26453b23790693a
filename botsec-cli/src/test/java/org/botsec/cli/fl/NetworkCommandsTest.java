package org.botsec.cli.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.botsec.cli.CliRun;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.PerExampleGradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fl certs}, {@code fl server} and {@code fl client} end to end: the coordinator and two clients run in this JVM,
 * the third client is a separate {@code java} process (the test class path, the CLI's main class); all reach the
 * coordinator over loopback with mutual TLS. Reference: {@code fl simulate} with the same data, seed and shards.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NetworkCommandsTest {
    @TempDir
    Path dir;

    @Test
    void threeClientProcessesReplayTheSimulation() throws Exception {
        Path certs = Files.createDirectory(dir.resolve("certs"));
        CliRun c = CliRun.run("fl", "certs", "--dir", certs.toString(), "--server-hosts", "localhost,127.0.0.1",
                "--clients", "alice,bob,carol", "--json");
        assertEquals(0, c.code(), c::toString);
        assertEquals(4, c.json().get("issued").size());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path net = dir.resolve("net.safetensors");
        Path ckpt = Files.createDirectory(dir.resolve("ckpt"));
        CompletableFuture<CliRun> server = CompletableFuture.supplyAsync(() -> CliRun.run("fl", "server", "--certs",
                certs.toString(), "--port", Integer.toString(port), "--test-data", "builtin:digits8x8:test", "--model",
                "softmax", "--clients", "3", "--rounds", "3", "--learning-rate", "0.2", "--checkpoint",
                ckpt.toString(), "--out", net.toString(), "--json"));
        // alice is a separate java process; bob and carol run in this JVM (three JVMs at once are too slow on a
        // loaded 2-core machine)
        Process alice = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                "org.botsec.cli.Botsec", "fl", "client", "--server", "localhost:" + port, "--certs",
                certs.toString(), "--name", "alice", "--data", "builtin:digits8x8:train", "--shard", "0/3",
                "--json").redirectError(dir.resolve("alice.err").toFile())
                .redirectOutput(dir.resolve("alice.out").toFile()).start();
        List<CompletableFuture<CliRun>> inJvm = new ArrayList<>();
        String[] names = {"bob", "carol"};
        for (int i = 1; i < 3; i++) {
            String shard = i + "/3";
            String name = names[i - 1];
            inJvm.add(CompletableFuture.supplyAsync(() -> CliRun.run("fl", "client", "--server", "localhost:" + port,
                    "--certs", certs.toString(), "--name", name, "--data", "builtin:digits8x8:train", "--shard",
                    shard, "--json")));
        }
        if (!alice.waitFor(200, TimeUnit.SECONDS)) {
            alice.destroyForcibly();
            throw new AssertionError("client process did not finish: " + Files.readString(dir.resolve("alice.err")));
        }
        assertEquals(0, alice.exitValue(), Files.readString(dir.resolve("alice.err")));
        JsonNode aliceOut = org.botsec.cli.Json.MAPPER.readTree(Files.readString(dir.resolve("alice.out")));
        assertEquals(3, aliceOut.get("rounds_trained").asInt(), aliceOut::toString);
        assertEquals(0, aliceOut.get("slot").asInt());
        for (int i = 1; i < 3; i++) {
            CliRun c2 = inJvm.get(i - 1).get(60, TimeUnit.SECONDS);
            assertEquals(0, c2.code(), c2::toString);
            assertEquals(3, c2.json().get("rounds_trained").asInt(), c2::toString);
            assertEquals(i, c2.json().get("slot").asInt());
        }
        CliRun s = server.get(60, TimeUnit.SECONDS);
        assertEquals(0, s.code(), s::toString);
        JsonNode rounds = s.json().get("rounds");
        assertEquals(3, rounds.size());
        assertEquals(3, rounds.get(2).get("valid").asInt());

        Path sim = dir.resolve("sim.safetensors");
        CliRun r = CliRun.run("fl", "simulate", "--data", "builtin:digits8x8", "--model", "softmax", "--clients", "3",
                "--rounds", "3", "--learning-rate", "0.2", "--out", sim.toString(), "--json", "-q");
        assertEquals(0, r.code(), r::toString);
        double[] a = params(net);
        double[] b = params(sim);
        double diff = 0;
        for (int j = 0; j < a.length; j++) {
            diff = Math.max(diff, Math.abs(a[j] - b[j]));
        }
        assertTrue(diff < 1e-12, "fl server + 3 client processes vs fl simulate: max |diff| " + diff);
        assertEquals(r.json().get("rounds").get(2).get("accuracy").asDouble(),
                rounds.get(2).get("accuracy").asDouble(), 1e-12);
    }

    @Test
    void serverSamplingDpAndSecureAggregationFlagsAreOneLine() throws Exception {
        Path certs = Files.createDirectory(dir.resolve("certs"));
        assertEquals(0, CliRun.run("fl", "certs", "--dir", certs.toString(), "--server-hosts", "localhost",
                "--clients", "alice").code());
        String[][] cases = {
            {"--fraction-fit 1.5", "--fraction-fit must be in (0, 1], got 1.5"},
            {"--fraction-fit 0.5 --min-fit-clients 4", "--min-fit-clients must be in [1, 3] (--clients), got 4"},
            {"--dp-clip 1.0", "DP-FedAvg needs all of --dp-clip, --dp-noise-multiplier and --delta; got --dp-clip 1.0, "
                    + "--dp-noise-multiplier null, --delta null"},
            {"--clip-norm -1 --dp-noise-multiplier 1 --delta 1e-5", "dp clip must be > 0 and finite, got -1.0"},
            {"--dp-clip 1 --dp-noise-multiplier 1 --delta 1e-5 --sampling-seed 3", "sampling seed does not apply to "
                    + "DP-FedAvg (its sampling is secure, or seeded by the DP insecure seed), got 3"},
            {"--secagg-neighbours 4", "--secagg-neighbours applies to --secure-aggregation, got 4"},
            {"--secure-aggregation --secagg-neighbours 0", "--secagg-neighbours must be >= 1, got 0"},
            {"--secure-aggregation --aggregator median", "secure aggregation over the network needs the fedavg "
                    + "aggregator (the coordinator sees only the sum), got median"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("fl", "server", "--certs", certs.toString(), "--port", "0",
                    "--test-data", "builtin:digits8x8:test", "--model", "softmax", "--clients", "3", "--rounds", "2",
                    "--out", dir.resolve("x.safetensors").toString()));
            args.addAll(List.of(c[0].split(" ")));
            CliRun r = CliRun.run(args.toArray(new String[0]));
            assertEquals(2, r.code(), r::toString);
            assertTrue(r.err().strip().endsWith(c[1]), c[0] + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    @Test
    void clientWithoutTlsFilesIsBadInput() {
        CliRun r = CliRun.run("fl", "client", "--server", "localhost:8443", "--data", "builtin:digits8x8:train");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("TLS is required"), r.err());
        CliRun s = CliRun.run("fl", "client", "--server", "localhost", "--certs", dir.toString(), "--name", "x",
                "--data", "builtin:digits8x8:train");
        assertEquals(2, s.code(), s::toString);
        assertTrue(s.err().contains("--server must be HOST:PORT"), s.err());
    }

    private static double[] params(Path model) {
        PerExampleGradients m = (PerExampleGradients) ModelFiles.load(model);
        double[] p = new double[m.numParameters()];
        m.getParameters(p);
        return p;
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
