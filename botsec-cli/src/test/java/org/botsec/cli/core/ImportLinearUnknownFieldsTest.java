package org.botsec.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.botsec.cli.CliRun;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models import-linear --ignore-unknown} on the IBM ART golden model file, whose notes and test predictions
 * sit beside the model fields: rejected without the flag, imported with it, and the imported model predicts the
 * golden file's own {@code test_predictions} (scikit-learn's) on all 360 test rows. Malformed model fields are still
 * rejected with the flag.
 */
class ImportLinearUnknownFieldsTest {
    @TempDir
    Path dir;

    private static Path golden() throws Exception {
        return Path.of(ImportLinearUnknownFieldsTest.class.getResource("/golden/attack_digits_linear.json").toURI());
    }

    @Test
    void goldenFileNeedsTheFlagAndThenPredictsAsScikitLearn() throws Exception {
        Path out = dir.resolve("m.safetensors");
        CliRun strict = CliRun.run("models", "import-linear", "--from", golden().toString(), "--out", out.toString());
        assertEquals(2, strict.code(), strict.toString());
        assertTrue(strict.err().contains("unknown field") && strict.err().contains("--ignore-unknown"), strict.err());
        assertEquals(1, strict.err().strip().lines().count(), strict.err());

        CliRun r = CliRun.run("models", "import-linear", "--from", golden().toString(), "--out", out.toString(),
                "--ignore-unknown", "--json");
        assertEquals(0, r.code(), r.toString());
        List<String> ignored = new ArrayList<>();
        r.json().get("ignored_fields").forEach(n -> ignored.add(n.asText()));
        assertTrue(ignored.contains("setup") && ignored.contains("test_predictions"), ignored.toString());
        assertTrue(!ignored.contains("coef"));

        JsonNode g = new ObjectMapper().readTree(golden().toFile());
        Model m = ModelFiles.load(out);
        Dataset all = DataSources.loadNumeric("builtin:digits8x8:all", null);
        Dataset test = all.subset(IntStream.range(0, all.size()).filter(i -> i % 5 == 0).toArray());
        var p = ((Classifier) m).predictProba(test.x());
        int same = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (p.get(i, c) > p.get(i, best)) {
                    best = c;
                }
            }
            same += ((Classifier) m).classNames().get(best).equals(g.get("test_predictions").get(i).asText()) ? 1 : 0;
        }
        assertEquals(360, same);
        CliRun human = CliRun.run("models", "import-linear", "--from", golden().toString(), "--out",
                dir.resolve("h.safetensors").toString(), "--ignore-unknown");
        assertTrue(human.out().contains("ignored 12 unknown fields: setup"), human.out());
    }

    @Test
    void malformedModelFieldsAreStillRejected() throws Exception {
        ObjectMapper om = new ObjectMapper();
        ObjectNode noIntercept = (ObjectNode) om.readTree(golden().toFile());
        noIntercept.remove("intercept");
        ObjectNode badScaler = (ObjectNode) om.readTree(golden().toFile());
        badScaler.putObject("scaler").put("center", 1);
        ObjectNode shortRow = (ObjectNode) om.readTree(golden().toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) shortRow.get("coef").get(0)).remove(0);
        String[][] cases = {{"intercept"}, {"unknown field scaler."}, {"coef[0]\" has 63 values"}};
        ObjectNode[] docs = {noIntercept, badScaler, shortRow};
        for (int c = 0; c < docs.length; c++) {
            Path f = dir.resolve("bad" + c + ".json");
            Files.writeString(f, om.writeValueAsString(docs[c]));
            CliRun r = CliRun.run("models", "import-linear", "--from", f.toString(), "--out",
                    dir.resolve("x" + c + ".safetensors").toString(), "--ignore-unknown");
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains(cases[c][0]), r.err());
        }
    }
}
