package org.botsec.attack.poisoning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.attack.poisoning.internal.Representations;
import org.botsec.attack.poisoning.internal.SymmetricEigen;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;

/**
 * Spectral signatures (Tran, Li, Madry 2018, "Spectral Signatures in Backdoor Attacks", NeurIPS, Algorithm 1): for
 * each label y, centre the learned representations R_y of the rows labelled y, take the top right singular vector v
 * of the centred matrix, score each row by its squared projection ((R_i − mean)·v)², and flag the
 * {@code ceil(removalFactor · ε · n_y)} highest-scoring rows, where ε is an upper bound on the poison rate
 * (the paper removes 1.5ε). The representation is the model's last hidden layer (see {@code Representations}).
 *
 * <p>It flags that many rows in every class, poisoned or not: precision is at most the share of poisoned rows among
 * them, and a clean training set still gets flags. Thread-safe and deterministic.
 */
public final class SpectralSignatures implements PoisonDetector {
    /** The paper's removal factor: flag 1.5 ε of each class. */
    public static final double DEFAULT_REMOVAL_FACTOR = 1.5;

    private final double expectedPoisonRate;
    private final double removalFactor;

    /**
     * @param expectedPoisonRate ε, an upper bound on the fraction of poisoned rows, in (0, 1)
     * @param removalFactor      multiple of ε flagged per class, &gt; 0 (the paper: 1.5)
     */
    public SpectralSignatures(double expectedPoisonRate, double removalFactor) {
        if (!(expectedPoisonRate > 0 && expectedPoisonRate < 1)) {
            throw BadInputException.of("expected poison rate must be in (0, 1), got %s", expectedPoisonRate);
        }
        if (!(removalFactor > 0 && Double.isFinite(removalFactor))) {
            throw BadInputException.of("removal factor must be > 0 and finite, got %s", removalFactor);
        }
        this.expectedPoisonRate = expectedPoisonRate;
        this.removalFactor = removalFactor;
    }

    /** With the paper's removal factor 1.5. */
    public SpectralSignatures(double expectedPoisonRate) {
        this(expectedPoisonRate, DEFAULT_REMOVAL_FACTOR);
    }

    @Override
    public DetectorKind kind() {
        return DetectorKind.SPECTRAL_SIGNATURES;
    }

    /** The outlier score of every row (squared projection on its class's top singular direction). */
    public double[] scores(Dataset train, Classifier model) {
        Matrix r = Representations.of(model, train.x());
        double[] scores = new double[train.size()];
        for (int[] idx : ClassRows.byClass(train.y(), train.numClasses())) {
            if (idx.length < 2) {
                continue;
            }
            double[][] rows = ClassRows.rows(r, idx);
            int d = r.cols();
            double[] mean = new double[d];
            double[] scatter = SymmetricEigen.centreAndScatter(rows, mean);
            double[] v = SymmetricEigen.of(scatter, d).vectors()[0];
            for (int i = 0; i < idx.length; i++) {
                double p = 0;
                for (int j = 0; j < d; j++) {
                    p += rows[i][j] * v[j];
                }
                scores[idx[i]] = p * p;
            }
        }
        return scores;
    }

    @Override
    public Detection detect(Dataset train, Classifier model) {
        double[] scores = scores(train, model);
        List<Integer> flagged = new ArrayList<>();
        Map<String, Object> perClass = new LinkedHashMap<>();
        List<int[]> classes = ClassRows.byClass(train.y(), train.numClasses());
        for (int c = 0; c < classes.size(); c++) {
            int[] idx = classes.get(c);
            int remove = Math.min(idx.length, (int) Math.ceil(removalFactor * expectedPoisonRate * idx.length - 1e-9));
            // the 1e-9 keeps 1.5 · 0.1 · 200 = 30.000000000000004 at 30 rows
            Integer[] order = Arrays.stream(idx).boxed().toArray(Integer[]::new);
            Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
            for (int i = 0; i < remove; i++) {
                flagged.add(order[i]);
            }
            perClass.put(train.classNames().get(c), remove);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("expected_poison_rate", expectedPoisonRate);
        settings.put("removal_factor", removalFactor);
        settings.put("representation", Representations.describe(model));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("flagged_per_class", perClass);
        return new Detection(kind(), flagged.stream().mapToInt(Integer::intValue).toArray(), train.size(), List.of(),
                settings, details);
    }
}
