package org.botsec.attack.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.model.Classifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model inversion on digits8x8 (softmax regression). References: the model's own confidence (the attack's
 * objective, which can fail), the nearest-class-mean check of Fredrikson et al. 2015's evaluation, and for PNG
 * output the pixel levels read back with ImageIO against the linear mapping computed here.
 */
class ModelInversionTest {
    static Classifier model;
    static Dataset train;

    @BeforeAll
    static void setUp() {
        train = Builtins.load("digits8x8", Split.TRAIN);
        model = ShadowTrainers.logisticRegression(1.0, false).train(train, 0);
    }

    @Test
    void gradientInversionReachesHighConfidenceAndLooksLikeTheClass() {
        ModelInversion.Result r = ModelInversion.run(model, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, new double[64],
                ModelInversion.Settings.defaults(ModelInversion.Access.GRADIENT, 1), Optional.of(train));
        System.out.printf("inversion gradient: mean confidence %.3f, nearest-mean accuracy %.2f%n",
                r.meanConfidence(), r.nearestMeanAccuracy().orElseThrow());
        assertTrue(r.meanConfidence() > 0.95, "mean confidence " + r.meanConfidence());
        assertTrue(r.nearestMeanAccuracy().orElseThrow() >= 0.8, "reconstructions resemble their class: "
                + r.nearestMeanAccuracy());
        assertEquals("inversion.gradient", r.toReport().attack());
    }

    @Test
    void confidenceOnlyInversionWorksWithoutGradients() {
        Classifier blackBox = new Classifier() {
            @Override
            public org.botsec.core.linalg.Matrix predictProba(org.botsec.core.linalg.Matrix x) {
                return model.predictProba(x);
            }

            @Override
            public java.util.List<String> classNames() {
                return model.classNames();
            }

            @Override
            public int numFeatures() {
                return model.numFeatures();
            }

            @Override
            public java.util.List<String> featureNames() {
                return model.featureNames();
            }
        };
        ModelInversion.Result r = ModelInversion.run(blackBox, new int[] {0, 3, 7}, new double[64],
                ModelInversion.Settings.defaults(ModelInversion.Access.CONFIDENCE, 2), Optional.of(train));
        System.out.printf("inversion confidence-only: mean confidence %.3f, queries %s%n", r.meanConfidence(),
                r.toReport().metrics().get("queries"));
        assertTrue(r.meanConfidence() > 0.8, "mean confidence " + r.meanConfidence());
        BadInputException e = assertThrows(BadInputException.class, () -> ModelInversion.run(blackBox, new int[] {0},
                new double[64], ModelInversion.Settings.defaults(ModelInversion.Access.GRADIENT, 2), Optional.empty()));
        assertTrue(e.getMessage().contains("gradient"), e.getMessage());
    }

    @Test
    void pngHoldsTheMappedGreyLevels(@TempDir Path dir) throws java.io.IOException {
        double[] px = new double[64];
        for (int i = 0; i < 64; i++) {
            px[i] = i / 63.0 * 1.2 - 0.1; // includes values outside [0, 1], which clamp
        }
        Path f = dir.resolve("x.png");
        Png.writeGrey(px, 8, 8, 0, 1, 3, f);
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(24, img.getWidth());
        assertEquals(24, img.getHeight());
        for (int i = 0; i < 64; i++) {
            int expected = (int) Math.round(255 * Math.max(0, Math.min(1, px[i])));
            assertEquals(expected, img.getRaster().getSample((i % 8) * 3 + 2, (i / 8) * 3 + 1, 0), "pixel " + i);
        }
        assertThrows(BadInputException.class, () -> Png.writeGrey(px, 7, 8, 0, 1, 1, f));
    }
}
