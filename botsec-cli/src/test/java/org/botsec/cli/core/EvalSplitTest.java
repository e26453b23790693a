package org.botsec.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalSplitTest {
    @TempDir
    Path dir;

    @Test
    void bareBuiltinNameEvaluatesOnTheHeldOutSplitAndSaysSo() {
        Path m = dir.resolve("bc.safetensors");
        assertEquals(0, CliRun.run("train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out",
                m.toString(), "-q").code());
        CliRun r = CliRun.run("eval", "--model", m.toString(), "--data", "builtin:breast_cancer", "--json");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("evaluating on builtin:breast_cancer:test"), r.err());
        assertEquals(Builtins.load("breast_cancer", Split.TEST).size(), r.json().get("size").asInt());
        CliRun all = CliRun.run("eval", "--model", m.toString(), "--data", "builtin:breast_cancer:all", "--json");
        assertEquals(569, all.json().get("size").asInt());
        assertTrue(all.err().isEmpty(), all.err());
    }
}
