package org.botsec.cli.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulateCommandTest {
    @TempDir
    Path dir;

    @Test
    void jsonHistoryAndModelWithProvenance() {
        Path out = dir.resolve("fl.safetensors");
        CliRun r = CliRun.run("fl", "simulate", "--data", "builtin:digits8x8", "--model", "softmax", "--clients", "10",
                "--rounds", "3", "--learning-rate", "0.2", "--partition", "dirichlet:1", "--out", out.toString(),
                "--json", "-q");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = r.json();
        assertEquals(3, j.get("rounds").size());
        assertEquals(1, j.get("rounds").get(0).get("round").asInt());
        double acc = j.get("metrics").get("accuracy").asDouble();
        assertEquals(j.get("rounds").get(2).get("accuracy").asDouble(), acc, 0.0);
        // softmax regression on digits8x8 after three FedAvg rounds: well above chance (0.1)
        assertTrue(acc > 0.8, "accuracy " + acc);
        LinearModel m = (LinearModel) ModelFiles.load(out);
        assertEquals("federated/fedavg", m.provenance().orElseThrow().trainer());
        assertEquals("dirichlet:1.0", m.provenance().orElseThrow().parameters().get("partition"));
        assertEquals(42L, m.provenance().orElseThrow().seed());
    }

    @Test
    void dpFedAvgWritesAClientLevelGuaranteeThatModelsInfoShows() {
        Path out = dir.resolve("dp.safetensors");
        CliRun r = CliRun.run("fl", "simulate", "--data", "builtin:digits8x8", "--model", "softmax", "--clients", "20",
                "--rounds", "3", "--fraction-fit", "0.5", "--learning-rate", "0.2", "--dp-clip", "1.0",
                "--dp-noise-multiplier", "0.8", "--delta", "1e-5", "--adaptive-clip-quantile", "0.5",
                "--out", out.toString(), "--json", "-q");
        assertEquals(0, r.code(), r::toString);
        JsonNode privacy = r.json().get("privacy");
        // botsec-privacy's RDP accountant for q = 0.5, z = 0.8, 3 rounds, delta 1e-5
        double eps = org.botsec.privacy.accountant.PrivacyAccountant.epsilon(
                org.botsec.privacy.accountant.AccountantType.RDP, 0.8, 0.5, 3, 1e-5).epsilon();
        assertEquals(eps, privacy.get("epsilon").asDouble(), 1e-12);
        assertEquals("client", privacy.get("unit").asText());
        assertEquals(1.0, r.json().get("rounds").get(0).get("l2_norm_clip").asDouble(), 0.0);
        CliRun info = CliRun.run("models", "info", out.toString(), "--json");
        assertEquals(0, info.code(), info::toString);
        assertEquals(eps, info.json().get("privacy").get("epsilon").asDouble(), 1e-12);
        assertEquals("client", info.json().get("privacy").get("unit").asText());
        CliRun text = CliRun.run("models", "info", out.toString());
        assertTrue(text.out().contains("unit:      client"), text.out());
    }

    @Test
    void secureAggregationWithDropoutsRunsAndRecordsItself() {
        Path out = dir.resolve("sa.safetensors");
        CliRun r = CliRun.run("fl", "simulate", "--data", "builtin:digits8x8", "--model", "softmax", "--clients", "20",
                "--rounds", "3", "--learning-rate", "0.2", "--secure-aggregation", "--secagg-dropout", "0.2",
                "--out", out.toString(), "--json", "-q");
        assertEquals(0, r.code(), r::toString);
        int dropped = 0;
        for (JsonNode round : r.json().get("rounds")) {
            dropped += round.get("dropped").asInt();
        }
        assertTrue(dropped > 0, r.out());
        assertTrue(r.json().get("metrics").get("accuracy").asDouble() > 0.8, r.out());
    }

    @Test
    void backdoorAttackersReportTheirSuccessRate() {
        CliRun r = CliRun.run("fl", "simulate", "--data", "builtin:digits8x8", "--model", "softmax", "--clients", "20",
                "--rounds", "4", "--learning-rate", "0.1", "--malicious", "0.1:backdoor", "--out",
                dir.resolve("bd.safetensors").toString(), "--json", "-q");
        assertEquals(0, r.code(), r::toString);
        double success = r.json().get("metrics").get("backdoor_success").asDouble();
        assertTrue(success >= 0 && success <= 1, r.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--clients|0|--clients must be >= 1, got 0",
            "--rounds|0|--rounds must be >= 1, got 0",
            "--fraction-fit|1.5|--fraction-fit must be in (0, 1], got 1.5",
            "--partition|dirichlet:0|dirichlet alpha must be > 0 and finite, got 0.0",
            "--partition|zipf|partition must be iid, dirichlet:ALPHA (ALPHA > 0) or shards:K (K >= 1), got 'zipf'",
            "--strategy|scaffold|strategy must be fedavg, fedprox, fedadam or fedyogi, got 'scaffold'",
            "--aggregator|krum:2|aggregator must be fedavg, krum, multi-krum:M, median, trimmed-mean:BETA or norm-bound:C, got 'krum:2'",
            "--malicious|0.2:backdoor:-1|backdoor boost K must be > 0, got -1.0",
            "--proximal-mu|0.5|--proximal-mu applies to --strategy fedprox, not fedavg",
            "--dp-clip|1.0|DP-FedAvg needs all of --dp-clip, --dp-noise-multiplier and --delta; got --dp-clip 1.0, --dp-noise-multiplier null, --delta null",
            "--secagg-dropout|0.1|--secagg-neighbours and --secagg-dropout apply to --secure-aggregation",
            "--adaptive-clip-quantile|0.5|--adaptive-clip-quantile, --accountant and --insecure-seed apply to DP-FedAvg: give --dp-clip, --dp-noise-multiplier and --delta"})
    void badValuesGiveOneLineAndExitTwo(String flag, String value, String message) {
        String[] base = {"fl", "simulate", "--data", "builtin:digits8x8", "--model", "softmax", "--clients", "4",
                "--rounds", "1", "--out", dir.resolve("x.safetensors").toString(), "-q"};
        int at = java.util.Arrays.asList(base).indexOf(flag);
        String[] args;
        if (at >= 0) {
            args = base.clone();
            args[at + 1] = value;
        } else {
            args = java.util.Arrays.copyOf(base, base.length + 2);
            args[base.length] = flag;
            args[base.length + 1] = value;
        }
        CliRun r = CliRun.run(args);
        assertEquals(2, r.code(), r::toString);
        assertEquals("botsec: " + message, r.err().strip());
    }

    /** 0 neighbours would silently mean "sized by default" in SecureAggregation: the flag refuses it. */
    @Test
    void zeroSecAggNeighboursIsOneLineAndExitTwo() {
        CliRun r = CliRun.run("fl", "simulate", "--data", "builtin:digits8x8", "--model", "softmax", "--clients",
                "4", "--rounds", "1", "--out", dir.resolve("x.safetensors").toString(), "-q", "--secure-aggregation",
                "--secagg-neighbours", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--secagg-neighbours must be >= 1, got 0"), r.err());
    }
}
