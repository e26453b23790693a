package org.botsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's Java quick start, and checks that the README's snippet is the code in
 * {@link #quickStart()} line for line, so that the README cannot rot.
 */
class ReadmeQuickStartTest {
    static double quickStart() throws IOException {
        // --- README quick start begins ---
        Dataset train = Builtins.load("breast_cancer", Split.TRAIN);
        Dataset test = Builtins.load("breast_cancer", Split.TEST);
        LinearModel model = LogisticRegression.builder().standardize(true).build().fit(train);
        Evaluation metrics = Evaluation.of(test.y(), model.predictProba(test.x()), test.classNames());
        System.out.printf("accuracy %.3f, log loss %.3f%n", metrics.accuracy(), metrics.logLoss());

        Path file = Files.createTempDirectory("botsec").resolve("breast_cancer.safetensors");
        ModelFiles.save(model, file);
        Classifier loaded = (Classifier) ModelFiles.load(file);
        double pMalignant = loaded.predictProba(test.x()).get(0, 0);
        // --- README quick start ends ---
        assertEquals(model.predictProba(test.x()).get(0, 0), pMalignant, 1e-15);
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.getParent());
        return metrics.accuracy();
    }

    @Test
    void quickStartRuns() throws IOException {
        assertTrue(quickStart() > 0.9);
    }

    @Test
    void readmeShowsThisCode() throws IOException {
        Path readme = Path.of("..", "README.md");
        List<String> fromReadme = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(readme)) {
            if (line.contains("<!-- quick-start:begin -->")) {
                in = true;
            } else if (line.contains("<!-- quick-start:end -->")) {
                in = false;
            } else if (in && !line.startsWith("```") && !line.isBlank() && !line.startsWith("import ")) {
                fromReadme.add(line.trim());
            }
        }
        List<String> fromTest = new ArrayList<>();
        in = false;
        for (String line : Files.readAllLines(Path.of("src/test/java/org/botsec/cli/ReadmeQuickStartTest.java"))) {
            if (line.trim().equals("// --- README quick start begins ---")) {
                in = true;
            } else if (line.trim().equals("// --- README quick start ends ---")) {
                in = false;
            } else if (in && !line.isBlank()) {
                fromTest.add(line.trim());
            }
        }
        assertTrue(fromTest.size() > 5);
        assertEquals(fromTest, fromReadme, "README.md quick start and ReadmeQuickStartTest differ");
    }
}
