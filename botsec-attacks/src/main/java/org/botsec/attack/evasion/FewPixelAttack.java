package org.botsec.attack.evasion;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.botsec.attack.evasion.internal.Perturbations;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.GradientModel;

/**
 * A greedy L0 search: how many pixels must change to flip a prediction. Each round, for every row not yet flipped,
 * the attack takes the unchanged feature whose move to an end of the value range raises the loss most to first
 * order (gain g_j·(max − x_j) for g_j &gt; 0, g_j·(min − x_j) for g_j &lt; 0, g = ∇ₓ loss), sets it to that end, and
 * stops the row as soon as its prediction leaves the target label or {@code maxPixels} features have changed. This
 * is the single-feature, untargeted form of the saliency idea of Papernot et al., "The Limitations of Deep Learning
 * in Adversarial Settings" (EuroS&amp;P 2016), with pixels pushed to both extremes. All remaining rows take one
 * batched input-gradient call per round. Deterministic; immutable and thread-safe.
 */
public final class FewPixelAttack {
    private final int maxPixels;
    private final ValueRange range;
    private final Targets targets;

    /**
     * @param maxPixels most features changed per row, ≥ 1
     * @param range     the value range (must be bounded: changed pixels go to its ends)
     * @param targets   which label to push away from
     */
    public FewPixelAttack(int maxPixels, ValueRange range, Targets targets) {
        if (maxPixels < 1) {
            throw BadInputException.of("the pixel budget must be >= 1, got %d", maxPixels);
        }
        if (!range.bounded()) {
            throw BadInputException.of("few-pixel attack needs a bounded value range, got %s", range);
        }
        this.maxPixels = maxPixels;
        this.range = range;
        this.targets = java.util.Objects.requireNonNull(targets, "targets");
    }

    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", EvasionMethod.FEW_PIXEL.label());
        s.put("norm", "l0");
        s.put("max_pixels", maxPixels);
        s.put("targets", targets.label());
        s.put("value_min", range.min());
        s.put("value_max", range.max());
        return s;
    }

    /** Attacks every row of {@code x}; {@code labels} are the true labels. */
    public EvasionResult run(GradientModel model, Matrix x, int[] labels) {
        if (x.cols() != model.numFeatures()) {
            throw BadInputException.of("model expects %d features, input has %d", model.numFeatures(), x.cols());
        }
        if (labels.length != x.rows()) {
            throw BadInputException.of("%d labels for %d rows", labels.length, x.rows());
        }
        range.check(x, "input");
        int n = x.rows();
        int d = x.cols();
        int k = model.numClasses();
        int[] clean = Perturbations.argmax(model.predictProba(x).data(), k);
        int[] t = targets == Targets.TRUE ? labels : clean;
        Matrix adv = x.copy();
        double[] a = adv.data();
        boolean[] changed = new boolean[n * d];
        long[] queries = new long[n];
        int[] active = java.util.stream.IntStream.range(0, n).filter(i -> clean[i] == t[i]).toArray();
        for (int round = 0; round < maxPixels && active.length > 0; round++) {
            Matrix sub = adv.selectRows(active);
            int[] subTargets = new int[active.length];
            for (int r = 0; r < active.length; r++) {
                subTargets[r] = t[active[r]];
            }
            double[] g = model.lossInputGradient(sub, subTargets).data();
            double[] s = sub.data();
            boolean[] stuck = new boolean[active.length];
            for (int r = 0; r < active.length; r++) {
                int i = active[r];
                int best = -1;
                double bestGain = 0;
                for (int j = 0; j < d; j++) {
                    if (changed[i * d + j]) {
                        continue;
                    }
                    double gj = g[r * d + j];
                    double gain = gj > 0 ? gj * (range.max() - s[r * d + j]) : gj * (range.min() - s[r * d + j]);
                    if (gain > bestGain) {
                        bestGain = gain;
                        best = j;
                    }
                }
                if (best < 0) {
                    stuck[r] = true; // no feature can raise the loss further: the row keeps its label
                    continue;
                }
                double v = g[r * d + best] > 0 ? range.max() : range.min();
                a[i * d + best] = v;
                s[r * d + best] = v;
                changed[i * d + best] = true;
                queries[i] += 2; // one gradient, one prediction
            }
            int[] pred = Perturbations.argmax(model.predictProba(sub).data(), k);
            int kept = 0;
            for (int r = 0; r < active.length; r++) {
                if (!stuck[r] && pred[r] == subTargets[r]) {
                    active[kept++] = active[r];
                }
            }
            active = Arrays.copyOf(active, kept);
        }
        int[] advPred = Perturbations.argmax(model.predictProba(adv).data(), k);
        return EvasionResult.of(EvasionMethod.FEW_PIXEL, x, adv, labels, t, clean, advPred, queries, settings(),
                OptionalLong.empty());
    }
}
