package org.botsec.attack.poisoning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;

/**
 * Runs a poisoning attack end to end: trains once on the clean training set (the baseline) and once on the
 * poisoned one with the same trainer, measures clean test accuracy of both and, for a backdoor, the attack success
 * rate on triggered test inputs (Gu, Dolan-Gavitt, Garg 2017), then runs each detector on the poisoned training set
 * and model and scores its flags against the known poisoned rows.
 *
 * <p>The trainer is any function from a data set to a classifier (e.g. an MLP trained with a fixed seed), so that
 * both runs differ only in their data.
 */
public final class PoisoningExperiment {
    private PoisoningExperiment() {
    }

    /**
     * @param train     clean training set
     * @param test      clean test set
     * @param poisoner  how to poison
     * @param trainer   trains a model on a data set (deterministically, so the baseline is comparable)
     * @param detectors the detectors to run on the poisoned training set (may be none), given the poisoned data so
     *                  that an experiment can set a detector's assumed poison rate from the truth, as papers do
     * @param settings  extra settings to record (model, epochs, ...), JSON-friendly
     */
    public static PoisoningResult run(Dataset train, Dataset test, Poisoner poisoner,
                                      Function<Dataset, ? extends Classifier> trainer,
                                      Function<PoisonedData, List<PoisonDetector>> detectors,
                                      Map<String, Object> settings) {
        Objects.requireNonNull(trainer, "trainer");
        PoisonedData poisoned = poisoner.poison(train);
        Classifier clean = trainer.apply(train);
        Classifier dirty = trainer.apply(poisoned.data());
        double baseAcc = accuracy(clean, test.x(), test.y());
        double acc = accuracy(dirty, test.x(), test.y());
        OptionalDouble asr = OptionalDouble.empty();
        OptionalDouble baseAsr = OptionalDouble.empty();
        if (poisoner.method() == PoisonMethod.BACKDOOR) {
            Dataset triggered = poisoner.triggered(test);
            int target = poisoner.targetClass().orElseThrow();
            asr = OptionalDouble.of(rateOf(dirty, triggered.x(), target));
            baseAsr = OptionalDouble.of(rateOf(clean, triggered.x(), target));
        }
        boolean[] mask = poisoned.poisonedMask();
        List<PoisoningResult.ScoredDetection> scored = new ArrayList<>();
        List<PoisonDetector> chosen = detectors.apply(poisoned);
        for (PoisonDetector d : chosen) {
            Detection det = d.detect(poisoned.data(), dirty);
            scored.add(new PoisoningResult.ScoredDetection(det, DetectionQuality.of(det.flaggedRows(), mask)));
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", poisoner.method().cliName());
        s.put("poison_rate", poisoner.poisonRate());
        poisoner.targetClass().ifPresent(t -> s.put("target_class", t));
        poisoner.trigger().ifPresent(t -> {
            s.put("trigger_size", t.size());
            s.put("trigger_value", t.value());
            s.put("trigger_features", t.featureIndices());
        });
        s.putAll(settings);
        s.put("detectors", chosen.stream().map(d -> d.kind().cliName()).toList());
        return new PoisoningResult(poisoner.method(), poisoner.poisonRate(), poisoned.poisonedRows().length,
                train.size(), test.size(), baseAcc, acc, asr, baseAsr, scored, s, poisoner.seed());
    }

    /** Share of rows whose predicted class (arg max) equals their label. */
    public static double accuracy(Classifier model, Matrix x, int[] y) {
        int[] pred = predict(model, x);
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            if (pred[i] == y[i]) {
                ok++;
            }
        }
        return y.length == 0 ? 0 : ok / (double) y.length;
    }

    /** Share of rows predicted as {@code target}. */
    static double rateOf(Classifier model, Matrix x, int target) {
        int[] pred = predict(model, x);
        int hit = 0;
        for (int p : pred) {
            if (p == target) {
                hit++;
            }
        }
        return pred.length == 0 ? 0 : hit / (double) pred.length;
    }

    static int[] predict(Classifier model, Matrix x) {
        Matrix p = model.predictProba(x);
        int[] out = new int[p.rows()];
        for (int i = 0; i < p.rows(); i++) {
            int best = 0;
            for (int c = 1; c < p.cols(); c++) {
                if (p.get(i, c) > p.get(i, best)) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
