package org.botsec.federated;

import java.util.Arrays;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;

/**
 * A pixel-pattern backdoor (Gu et al. 2017, "BadNets"; in federated learning Bagdasaryan et al. 2020, "How To
 * Backdoor Federated Learning"): rows stamped with a trigger — a few features set to a fixed value — should be
 * classified as the target class while clean rows are classified as before.
 *
 * <p>For image data (a square number of features) the trigger is the bottom-right square of side max(2, side/10)
 * pixels; otherwise the last four features. The trigger value is the largest value of those features in the
 * training data (1.0 for pixels scaled to [0, 1]).
 *
 * @param targetClass     the class triggered rows should get
 * @param triggerFeatures the stamped features (copied)
 * @param triggerValue    the value they are set to
 * @param poisonFraction  share of an attacker's own rows it stamps and relabels, in (0, 1]
 */
public record Backdoor(int targetClass, int[] triggerFeatures, double triggerValue, double poisonFraction) {
    public Backdoor {
        if (targetClass < 0) {
            throw BadInputException.of("backdoor target class must be >= 0, got %d", targetClass);
        }
        if (triggerFeatures == null || triggerFeatures.length == 0) {
            throw new IllegalArgumentException("a trigger needs at least one feature");
        }
        triggerFeatures = triggerFeatures.clone();
        if (!Double.isFinite(triggerValue)) {
            throw BadInputException.of("trigger value must be finite, got %s", triggerValue);
        }
        if (!(poisonFraction > 0 && poisonFraction <= 1)) {
            throw BadInputException.of("poison fraction must be in (0, 1], got %s", poisonFraction);
        }
    }

    @Override
    public int[] triggerFeatures() {
        return triggerFeatures.clone();
    }

    /** The default trigger for {@code train} (see the class comment), target class 0, half of an attacker's rows. */
    public static Backdoor defaultFor(Dataset train) {
        int d = train.numFeatures();
        int side = (int) Math.round(Math.sqrt(d));
        int[] features;
        if (side * side == d && side >= 4) {
            int s = Math.max(2, side / 10);
            features = new int[s * s];
            int k = 0;
            for (int r = side - s; r < side; r++) {
                for (int c = side - s; c < side; c++) {
                    features[k++] = r * side + c;
                }
            }
        } else {
            int n = Math.min(4, d);
            features = new int[n];
            for (int i = 0; i < n; i++) {
                features[i] = d - n + i;
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        Matrix x = train.x();
        for (int r = 0; r < x.rows(); r++) {
            for (int f : features) {
                max = Math.max(max, x.get(r, f));
            }
        }
        return new Backdoor(0, features, max, 0.5);
    }

    /** A copy of {@code data} in which the given rows are stamped and relabelled to the target. */
    public Dataset poison(Dataset data, int[] rows) {
        check(data);
        Matrix x = data.x().copy();
        int[] y = data.y().clone();
        for (int r : rows) {
            for (int f : triggerFeatures) {
                x.set(r, f, triggerValue);
            }
            y[r] = targetClass;
        }
        return new Dataset(x, y, data.featureNames(), data.classNames(), data.sha256());
    }

    /**
     * Attack success rate: among test rows whose true class is not the target, the share that the model puts in the
     * target class once stamped with the trigger.
     */
    public double successRate(Classifier model, Dataset test) {
        check(test);
        int[] rows = java.util.stream.IntStream.range(0, test.size()).filter(i -> test.y()[i] != targetClass)
                .toArray();
        if (rows.length == 0) {
            throw BadInputException.of("the test set has no row outside the backdoor's target class %d", targetClass);
        }
        Matrix x = test.x().selectRows(rows);
        for (int r = 0; r < rows.length; r++) {
            for (int f : triggerFeatures) {
                x.set(r, f, triggerValue);
            }
        }
        Matrix p = model.predictProba(x);
        int hit = 0;
        for (int r = 0; r < rows.length; r++) {
            int best = 0;
            for (int c = 1; c < p.cols(); c++) {
                if (p.get(r, c) > p.get(r, best)) {
                    best = c;
                }
            }
            if (best == targetClass) {
                hit++;
            }
        }
        return (double) hit / rows.length;
    }

    private void check(Dataset d) {
        if (targetClass >= d.numClasses()) {
            throw BadInputException.of("backdoor target class %d is not one of the %d classes", targetClass,
                    d.numClasses());
        }
        for (int f : triggerFeatures) {
            if (f < 0 || f >= d.numFeatures()) {
                throw BadInputException.of("trigger feature %d is outside the %d features", f, d.numFeatures());
            }
        }
    }

    @Override
    public String toString() {
        return "Backdoor[target " + targetClass + ", features " + Arrays.toString(triggerFeatures) + " = "
                + triggerValue + ", poison " + poisonFraction + "]";
    }
}
