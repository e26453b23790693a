package org.botsec.attack.poisoning;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;

/**
 * Poisons a training set: label flipping, or a BadNets backdoor (Gu, Dolan-Gavitt, Garg 2017). The poison rate is
 * the fraction of the training set that is poisoned; poisoned rows replace clean ones in place (as in BadNets), so
 * the set keeps its size and row order and {@link PoisonedData#poisonedRows()} is the ground truth detectors are
 * scored against.
 * <ul>
 *   <li>{@link PoisonMethod#LABEL_FLIP}: {@code round(rate·n)} rows chosen uniformly get a label drawn uniformly
 *       from the other classes.</li>
 *   <li>{@link PoisonMethod#BACKDOOR}: {@code round(rate·n)} rows chosen uniformly among those whose label is not
 *       the target get the trigger stamped on and the target label.</li>
 * </ul>
 * Immutable and thread-safe; {@link #poison} is deterministic given the seed.
 */
public final class Poisoner {
    private final PoisonMethod method;
    private final double poisonRate;
    private final Integer targetClass;
    private final Trigger trigger;
    private final long seed;

    private Poisoner(Builder b) {
        this.method = b.method;
        this.poisonRate = b.poisonRate;
        this.targetClass = b.targetClass;
        this.trigger = b.trigger;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    public PoisonMethod method() {
        return method;
    }

    public double poisonRate() {
        return poisonRate;
    }

    public Optional<Integer> targetClass() {
        return Optional.ofNullable(targetClass);
    }

    public Optional<Trigger> trigger() {
        return Optional.ofNullable(trigger);
    }

    public long seed() {
        return seed;
    }

    /**
     * Poisons a copy of {@code train}.
     *
     * @throws BadInputException when the data does not fit the settings (trigger size, target class, too few rows)
     */
    public PoisonedData poison(Dataset train) {
        int n = train.size();
        int k = train.numClasses();
        if (k < 2) {
            throw BadInputException.of("poisoning needs at least two classes, the data has %d", k);
        }
        int count = (int) Math.round(poisonRate * n);
        if (count < 1) {
            throw BadInputException.of("poison rate %s of %d training rows poisons no row; raise the rate", poisonRate, n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Matrix x = train.x().copy();
        int[] y = train.y().clone();
        int[] chosen;
        if (method == PoisonMethod.LABEL_FLIP) {
            chosen = sample(allRows(n), count, rng);
            for (int i : chosen) {
                int other = rng.nextInt(k - 1);
                y[i] = other >= y[i] ? other + 1 : other;
            }
        } else {
            if (targetClass >= k) {
                throw BadInputException.of("target class must be in [0, %d) (%s), got %d", k,
                        String.join(", ", train.classNames()), targetClass);
            }
            if (trigger.numFeatures() != train.numFeatures()) {
                throw BadInputException.of("the trigger is for %d x %d images (%d features), the data has %d features",
                        trigger.width(), trigger.height(), trigger.numFeatures(), train.numFeatures());
            }
            int[] candidates = Arrays.stream(allRows(n)).filter(i -> y[i] != targetClass).toArray();
            if (candidates.length < count) {
                throw BadInputException.of("poison rate %s asks for %d rows but only %d rows are not of the target "
                        + "class %d", poisonRate, count, candidates.length, targetClass);
            }
            chosen = sample(candidates, count, rng);
            int d = x.cols();
            for (int i : chosen) {
                trigger.apply(x.data(), i * d);
                y[i] = targetClass;
            }
        }
        Arrays.sort(chosen);
        Dataset poisoned = new Dataset(x, y, train.featureNames(), train.classNames(), train.sha256());
        return new PoisonedData(poisoned, chosen, method, poisonRate, targetClass(), trigger(), seed);
    }

    /**
     * Copies of {@code rows} of {@code data} whose label is not the target, with the trigger stamped on: the inputs
     * the attack success rate is measured on (their true labels kept).
     */
    public Dataset triggered(Dataset data) {
        if (method != PoisonMethod.BACKDOOR) {
            throw new IllegalStateException("only a backdoor poisoner has a trigger");
        }
        int[] keep = Arrays.stream(allRows(data.size())).filter(i -> data.y()[i] != targetClass).toArray();
        Dataset sub = data.subset(keep);
        int d = sub.numFeatures();
        for (int i = 0; i < sub.size(); i++) {
            trigger.apply(sub.x().data(), i * d);
        }
        return sub;
    }

    private static int[] allRows(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }

    /** {@code count} distinct entries of {@code from}, by a partial Fisher–Yates shuffle. */
    private static int[] sample(int[] from, int count, SplittableRandom rng) {
        int[] a = from.clone();
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return Arrays.copyOf(a, count);
    }

    /** Builds a {@link Poisoner}; each setting may be made once. */
    public static final class Builder {
        private PoisonMethod method;
        private Double poisonRate;
        private Integer targetClass;
        private Trigger trigger;
        private Long seed;

        private Builder() {
        }

        public Builder method(PoisonMethod value) {
            method = once(method, value, "method");
            return this;
        }

        /** Fraction of the training rows poisoned, in (0, 1). */
        public Builder poisonRate(double value) {
            poisonRate = once(poisonRate, value, "poison rate");
            return this;
        }

        /** The backdoor's target class index. */
        public Builder targetClass(int value) {
            targetClass = once(targetClass, value, "target class");
            return this;
        }

        public Builder trigger(Trigger value) {
            trigger = once(trigger, value, "trigger");
            return this;
        }

        /** Seed of the row choice (replayable; poisoning needs no secure randomness). */
        public Builder seed(long value) {
            seed = once(seed, value, "seed");
            return this;
        }

        public Poisoner build() {
            if (method == null) {
                throw new IllegalArgumentException("method must be set");
            }
            if (poisonRate == null) {
                throw new IllegalArgumentException("poison rate must be set");
            }
            if (!(poisonRate > 0 && poisonRate < 1)) {
                throw BadInputException.of("poison rate must be in (0, 1), got %s", poisonRate);
            }
            if (seed == null) {
                throw new IllegalArgumentException("seed must be set (results record it)");
            }
            if (method == PoisonMethod.BACKDOOR) {
                if (targetClass == null || trigger == null) {
                    throw BadInputException.of("a backdoor needs a target class and a trigger");
                }
                if (targetClass < 0) {
                    throw BadInputException.of("target class must be >= 0, got %d", targetClass);
                }
            } else if (targetClass != null || trigger != null) {
                throw BadInputException.of("label flipping takes no %s; it applies to the backdoor",
                        targetClass != null ? "target class" : "trigger");
            }
            return new Poisoner(this);
        }

        private static <T> T once(T current, T value, String name) {
            if (value == null) {
                throw new IllegalArgumentException(name + " must not be null");
            }
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
            return value;
        }
    }
}
