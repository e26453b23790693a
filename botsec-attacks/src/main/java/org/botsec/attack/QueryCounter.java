package org.botsec.attack;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.GradientModel;
import org.botsec.core.model.TextClassifier;

/**
 * Counts every call an attack makes to a model, through one wrapper: {@link #wrap(Classifier)} (which keeps the
 * {@link GradientModel} capability when the model has it) or {@link #wrap(TextClassifier)}. The wrapper forwards
 * each call unchanged and adds its calls and rows to this counter; {@link #counts()} reads them. The attacks need no
 * bookkeeping of their own, so the count is what the model saw — including the attack's clean and adversarial
 * predictions, which a per-row budget does not include.
 *
 * <p>Code that evaluates a wrapped model's gradient without calling it (FGSM/PGD's linear kernel, the word attack's
 * TF-IDF gradient) finds the model with {@link #unwrap} and reports the evaluation with {@link #countGradientOf}.
 * Thread-safe.
 */
public final class QueryCounter {
    private final AtomicLong predictCalls = new AtomicLong();
    private final AtomicLong predictRows = new AtomicLong();
    private final AtomicLong gradientCalls = new AtomicLong();
    private final AtomicLong gradientRows = new AtomicLong();

    /** The calls and rows counted so far. */
    public ModelQueries counts() {
        return new ModelQueries(predictCalls.get(), predictRows.get(), gradientCalls.get(), gradientRows.get());
    }

    /** {@code model} with its calls counted here; a {@link GradientModel} stays one. */
    public Classifier wrap(Classifier model) {
        Objects.requireNonNull(model, "model");
        return model instanceof GradientModel g ? new CountingGradientModel(g, this) : new CountingClassifier(model,
                this);
    }

    /** {@code model} with its calls counted here. */
    public GradientModel wrap(GradientModel model) {
        return new CountingGradientModel(Objects.requireNonNull(model, "model"), this);
    }

    /** A text model with its calls counted here (rows are texts). */
    public TextClassifier wrap(TextClassifier model) {
        return new CountingTextClassifier(Objects.requireNonNull(model, "model"), this);
    }

    private void countGradient(long rows) {
        gradientCalls.incrementAndGet();
        gradientRows.addAndGet(rows);
    }

    private void countPredict(long rows) {
        predictCalls.incrementAndGet();
        predictRows.addAndGet(rows);
    }

    /** The model inside any counting wrappers ({@code model} itself when it is not wrapped). */
    public static Object unwrap(Object model) {
        Object m = model;
        while (m instanceof Counting c) {
            m = c.delegate();
        }
        return m;
    }

    /**
     * Records one input-gradient evaluation of {@code rows} rows of {@code model} made without calling it, in the
     * counter of every counting wrapper around it (none when it is not wrapped).
     */
    public static void countGradientOf(Object model, long rows) {
        Object m = model;
        while (m instanceof Counting c) {
            c.counter().countGradient(rows);
            m = c.delegate();
        }
    }

    /** The wrappers. */
    private interface Counting {
        Object delegate();

        QueryCounter counter();
    }

    private static class CountingClassifier implements Classifier, Counting {
        final Classifier model;
        final QueryCounter counter;

        CountingClassifier(Classifier model, QueryCounter counter) {
            this.model = model;
            this.counter = counter;
        }

        @Override
        public Matrix predictProba(Matrix x) {
            counter.countPredict(x.rows());
            return model.predictProba(x);
        }

        @Override
        public List<String> classNames() {
            return model.classNames();
        }

        @Override
        public int numFeatures() {
            return model.numFeatures();
        }

        @Override
        public List<String> featureNames() {
            return model.featureNames();
        }

        @Override
        public int numClasses() {
            return model.numClasses();
        }

        @Override
        public Object delegate() {
            return model;
        }

        @Override
        public QueryCounter counter() {
            return counter;
        }

        @Override
        public String toString() {
            return model.toString();
        }
    }

    private static final class CountingGradientModel extends CountingClassifier implements GradientModel {
        CountingGradientModel(GradientModel model, QueryCounter counter) {
            super(model, counter);
        }

        @Override
        public Matrix lossInputGradient(Matrix x, int[] labels) {
            counter.countGradient(x.rows());
            return ((GradientModel) model).lossInputGradient(x, labels);
        }
    }

    private static final class CountingTextClassifier implements TextClassifier, Counting {
        private final TextClassifier model;
        private final QueryCounter counter;

        CountingTextClassifier(TextClassifier model, QueryCounter counter) {
            this.model = model;
            this.counter = counter;
        }

        @Override
        public Matrix predictProba(List<String> texts) {
            counter.countPredict(texts.size());
            return model.predictProba(texts);
        }

        @Override
        public List<String> classNames() {
            return model.classNames();
        }

        @Override
        public int numClasses() {
            return model.numClasses();
        }

        @Override
        public Object delegate() {
            return model;
        }

        @Override
        public QueryCounter counter() {
            return counter;
        }

        @Override
        public String toString() {
            return model.toString();
        }
    }
}
