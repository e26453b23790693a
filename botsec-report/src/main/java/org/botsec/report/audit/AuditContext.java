package org.botsec.report.audit;

import java.util.Objects;
import java.util.Optional;
import org.botsec.core.data.Dataset;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.GradientModel;
import org.botsec.report.Subject;

/**
 * What one audited model's checks work on.
 *
 * @param subject the model and data as the report names them (with the model's privacy claim)
 * @param model   the model as a black box
 * @param data    the evaluation data (the model was not trained on it)
 * @param train   the training data, when given (membership inference, poisoning scan)
 * @param seed    the seed of every random choice the checks make
 */
public record AuditContext(Subject subject, Classifier model, Dataset data, Optional<Dataset> train, long seed) {
    public AuditContext {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(train, "train");
    }

    /** The model's input gradients, when it has them (white-box attacks). */
    public Optional<GradientModel> gradientModel() {
        return model instanceof GradientModel g ? Optional.of(g) : Optional.empty();
    }
}
