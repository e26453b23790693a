package org.botsec.cli.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.botsec.cli.CliRun;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.Splits;
import org.botsec.core.data.Standardizer;
import org.botsec.core.data.TrainRows;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --test-fraction} and {@code builtin:NAME:all}: which rows are trained on, what the metrics are
 * computed on (checked by re-evaluating the written model with the library on the rows the provenance names), and
 * the MLP's standardiser.
 */
class TrainRowsCommandTest {
    @TempDir
    Path dir;

    /** 20 rows, two classes, one informative feature. */
    private Path csv() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 20; i++) {
            sb.append(i).append(',').append((i * 7) % 5).append(',').append(i < 10 ? "lo" : "hi").append('\n');
        }
        Path f = dir.resolve("d.csv");
        Files.writeString(f, sb);
        return f;
    }

    @Test
    void testFractionZeroTrainsOnEveryRowAndSaysMetricsAreOnTrainingData() throws IOException {
        Path model = dir.resolve("m.safetensors");
        CliRun r = CliRun.run("train", "--data", csv().toString(), "--label", "y", "--model", "logreg",
                "--test-fraction", "0", "--out", model.toString(), "--json", "-q");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals(20, j.get("train_size").asInt());
        assertEquals(0, j.get("test_size").asInt());
        assertEquals("training data", j.get("evaluated_on").asText());
        assertEquals(20, j.get("metrics").get("size").asInt());
        LinearModel m = (LinearModel) ModelFiles.load(model);
        assertEquals(Optional.of(TrainRows.all()), TrainRows.fromParameters(m.provenance().orElseThrow().parameters()));

        CliRun text = CliRun.run("train", "--data", csv().toString(), "--label", "y", "--model", "logreg",
                "--test-fraction", "0", "--out", model.toString(), "-q");
        assertTrue(text.out().contains("metrics on the TRAINING data"), text.out());
    }

    @Test
    void testFractionSplitIsRecordedAndReproducible() throws IOException {
        Path model = dir.resolve("m.safetensors");
        CliRun r = CliRun.run("train", "--data", csv().toString(), "--label", "y", "--model", "logreg",
                "--test-fraction", "0.3", "--seed", "5", "--out", model.toString(), "--json", "-q");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("test split", j.get("evaluated_on").asText());
        assertEquals("stratified 70/30, seed 5", j.get("split").asText());
        assertEquals(14, j.get("train_size").asInt());
        assertEquals(6, j.get("test_size").asInt());
        LinearModel m = (LinearModel) ModelFiles.load(model);
        TrainRows rows = TrainRows.fromParameters(m.provenance().orElseThrow().parameters()).orElseThrow();
        assertEquals(TrainRows.stratifiedSplit(0.3, 5), rows);
        int[] y = new int[20];
        for (int i = 10; i < 20; i++) {
            y[i] = 1;
        }
        // the provenance names exactly the split the library makes
        assertArrayEquals(Splits.stratified(y, 0.3, 5)[0], rows.split(y)[0]);
    }

    @Test
    void builtinAllTrainsOnEveryRow() {
        Path model = dir.resolve("bc.safetensors");
        CliRun r = CliRun.run("train", "--data", "builtin:breast_cancer:all", "--model", "logreg", "--out",
                model.toString(), "--json", "-q");
        assertEquals(0, r.code(), r.toString());
        Dataset all = Builtins.load("breast_cancer", Split.ALL);
        assertEquals(all.size(), r.json().get("train_size").asInt());
        assertEquals("training data", r.json().get("evaluated_on").asText());
        LinearModel m = (LinearModel) ModelFiles.load(model);
        Evaluation e = Evaluation.of(all.y(), m.predictProba(all.x()), all.classNames());
        assertEquals(e.accuracy(), r.json().get("metrics").get("accuracy").asDouble(), 1e-12);
        assertEquals(Map.of("selection", "all"), m.provenance().orElseThrow().parameters().get("train_rows"));
        assertArrayEquals(Standardizer.fit(all.x()).mean(), m.scaler().orElseThrow().mean(), 1e-12);

        CliRun fixed = CliRun.run("train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out",
                model.toString(), "--json", "-q");
        assertEquals("test split", fixed.json().get("evaluated_on").asText());
        assertEquals(TrainRows.stratifiedSplit(Builtins.TEST_FRACTION, Builtins.SPLIT_SEED), TrainRows
                .fromParameters(((LinearModel) ModelFiles.load(model)).provenance().orElseThrow().parameters()).orElseThrow());
    }

    @Test
    void badTestFractionsAndCombinationsAreOneLineErrors() throws IOException {
        String data = csv().toString();
        for (String bad : new String[] {"-0.1", "1", "1.5", "NaN"}) {
            CliRun r = CliRun.run("train", "--data", data, "--label", "y", "--model", "logreg", "--test-fraction",
                    bad, "--out", dir.resolve("x.safetensors").toString());
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("--test-fraction must be in [0, 1)") && r.err().contains(bad), r.err());
        }
        CliRun b = CliRun.run("train", "--data", "builtin:breast_cancer", "--model", "logreg", "--test-fraction",
                "0.3", "--out", dir.resolve("x.safetensors").toString());
        assertEquals(2, b.code(), b.toString());
        assertTrue(b.err().contains("builtin:breast_cancer:all"), b.err());
        CliRun t = CliRun.run("train", "--data", "builtin:breast_cancer:test", "--model", "logreg", "--out",
                dir.resolve("x.safetensors").toString());
        assertEquals(2, t.code(), t.toString());
    }

    @Test
    void mlpStandardisesByDefaultAndNotWithNoStandardize() {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        String[] common = {"train", "--data", "builtin:breast_cancer", "--model", "mlp", "--hidden", "8",
                "--epochs", "2", "-q", "--out"};
        assertEquals(0, CliRun.run(concat(common, a.toString())).code());
        assertEquals(0, CliRun.run(concat(common, b.toString(), "--no-standardize")).code());
        Mlp scaled = (Mlp) ModelFiles.load(a);
        Dataset train = Builtins.load("breast_cancer", Split.TRAIN);
        assertArrayEquals(Standardizer.fit(train.x()).scale(), scaled.scaler().orElseThrow().scale(), 1e-12);
        assertEquals(true, scaled.provenance().orElseThrow().parameters().get("standardize"));
        assertTrue(((Mlp) ModelFiles.load(b)).scaler().isEmpty());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
