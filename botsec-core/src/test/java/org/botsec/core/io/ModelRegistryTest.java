package org.botsec.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.rand.Randomness;
import org.botsec.core.text.TfidfVectorizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each model type survives a trip through a file and predicts exactly as before. */
class ModelRegistryTest {
    @TempDir
    Path dir;

    private Model roundTrip(Model m) {
        Path f = dir.resolve(m.type() + ".safetensors");
        ModelFiles.save(m, f);
        Model back = ModelFiles.load(f);
        assertEquals(m.type(), back.type());
        return back;
    }

    @Test
    void linearModelWithScaler() {
        LinearModel m = LinearModel.of(new double[][] {{0.5, -1}}, new double[] {0.25}, List.of("n", "y"),
                List.of("a", "b"), new double[] {1, 2}, new double[] {2, 4});
        Classifier back = (Classifier) roundTrip(m);
        Matrix x = Matrix.of(new double[][] {{3, 6}, {1, 2}, {-4, 9}});
        assertTrue(java.util.Arrays.equals(m.predictProba(x).data(), back.predictProba(x).data()));
    }

    @Test
    void mlp() {
        Mlp m = Mlp.create(new int[] {3, 5, 4}, List.of("a", "b", "c"), List.of("w", "x", "y", "z"),
                Randomness.replayable(1));
        Classifier back = (Classifier) roundTrip(m);
        Matrix x = Matrix.of(new double[][] {{1, 2, 3}, {-1, 0.5, 0}});
        assertTrue(java.util.Arrays.equals(m.predictProba(x).data(), back.predictProba(x).data()));
        assertEquals(m.classNames(), back.classNames());
    }

    @Test
    void textPipeline() {
        TfidfVectorizer v = new TfidfVectorizer(List.of("bad", "good"), new double[] {1.5, 1.25});
        LinearModel lm = LinearModel.of(new double[][] {{-2, 3}}, new double[] {0.1}, List.of("neg", "pos"),
                v.terms());
        TextPipeline p = new TextPipeline(v, lm);
        TextPipeline back = assertInstanceOf(TextPipeline.class, roundTrip(p));
        List<String> texts = List.of("good good bad", "bad", "nothing known");
        assertTrue(java.util.Arrays.equals(p.predictProba(texts).data(), back.predictProba(texts).data()));
    }

    @Test
    void unknownTypeIsNamed() {
        Path f = dir.resolve("odd.safetensors");
        ModelFiles.write(new ModelState("random_forest", new LinkedHashMap<>(), null), f);
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().contains("unknown model type 'random_forest'"), e.getMessage());
        assertTrue(e.getMessage().contains("logistic_regression"), e.getMessage());
    }
}
