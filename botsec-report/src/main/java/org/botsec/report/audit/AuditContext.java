package org.botsec.report.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.GradientModel;
import org.botsec.core.model.TextClassifier;
import org.botsec.report.Subject;

/**
 * What one audited model's checks work on.
 *
 * <p>A text model is audited through the same black-box view as a numeric one, so that the checks that need only
 * probabilities and labels (accuracy, membership inference, the privacy audit) run unchanged: {@code model} is then
 * a {@link Classifier} over <em>text numbers</em> (one feature, {@value TextRows#FEATURE}) that answers with the
 * text model's probabilities for the numbered texts, and {@code data}/{@code train} hold those numbers and the
 * labels. A check that reads features (gradients, pixels, LIME on columns) must look at {@link #text()} first and
 * either use the texts or say that it does not apply.
 *
 * @param subject the model and data as the report names them (with the model's privacy claim)
 * @param model   the model as a black box
 * @param data    the evaluation data (the model was not trained on it)
 * @param train   the training data, when given (membership inference, poisoning scan)
 * @param seed    the seed of every random choice the checks make
 * @param text    for a text model: the model and the texts behind the text numbers
 * @param guard   the guard policy under test, when one was given (the guard self-test)
 */
public record AuditContext(Subject subject, Classifier model, Dataset data, Optional<Dataset> train, long seed,
                           Optional<TextInputs> text, Optional<GuardUnderTest> guard) {
    public AuditContext {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(guard, "guard");
    }

    /** A numeric model's context, without a guard policy. */
    public AuditContext(Subject subject, Classifier model, Dataset data, Optional<Dataset> train, long seed) {
        this(subject, model, data, train, seed, Optional.empty(), Optional.empty());
    }

    /**
     * A text model's context.
     *
     * @param data  the audit texts, labels in the model's class order
     * @param train the training texts, when given, labels in the model's class order
     */
    public static AuditContext forText(Subject subject, TextClassifier model, TextDataset data,
                                       Optional<TextDataset> train, long seed) {
        List<String> all = new ArrayList<>(data.texts());
        train.ifPresent(t -> all.addAll(t.texts()));
        TextRows rows = new TextRows(model, all);
        Dataset numbered = numbered(data, 0, model);
        Optional<Dataset> trainNumbered = train.map(t -> numbered(t, data.size(), model));
        return new AuditContext(subject, rows, numbered, trainNumbered, seed,
                Optional.of(new TextInputs(model, data, train)), Optional.empty());
    }

    private static Dataset numbered(TextDataset d, int first, TextClassifier model) {
        double[] numbers = new double[d.size()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = first + i;
        }
        return new Dataset(new Matrix(d.size(), 1, numbers), d.y().clone(), List.of(TextRows.FEATURE),
                model.classNames(), d.sha256());
    }

    /** The same context with a guard policy to self-test. */
    public AuditContext withGuard(GuardUnderTest g) {
        return new AuditContext(subject, model, data, train, seed, text, Optional.of(g));
    }

    /** The model's input gradients, when it has them (white-box attacks). */
    public Optional<GradientModel> gradientModel() {
        return model instanceof GradientModel g ? Optional.of(g) : Optional.empty();
    }

    /**
     * A text model and its texts.
     *
     * @param model the text classifier
     * @param data  the audit texts
     * @param train the training texts, when given
     */
    public record TextInputs(TextClassifier model, TextDataset data, Optional<TextDataset> train) {
        public TextInputs {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(train, "train");
        }
    }
}
